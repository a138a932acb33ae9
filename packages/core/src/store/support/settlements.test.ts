import { describe, expect, it } from 'vitest';
import type { Settlement } from '../store.js';
import { checkSettlements } from './settlements.js';

const ok: Settlement = { jobId: 't:1', token: 'x', outcome: 'succeeded', result: undefined };

function refusal(settlements: unknown[]): { code: string; field: string | undefined } {
  try {
    checkSettlements(settlements as Settlement[]);
  } catch (error) {
    const { code, field } = error as { code: string; field: string | undefined };
    return { code, field };
  }
  throw new Error('the batch was accepted');
}

describe('checkSettlements', () => {
  it('accepts each outcome of the right shape', () => {
    expect(() =>
      checkSettlements([
        ok,
        { jobId: 't:2', token: 'x', outcome: 'released' },
        { jobId: 't:3', token: 'x', outcome: 'failed', error: { code: 'e', message: 'm' }, retryAt: 5 },
      ]),
    ).not.toThrow();
  });

  it('names the entry and the field at fault', () => {
    expect(refusal([ok, { ...ok, outcome: 'done' }])).toEqual({
      code: 'invalid_argument',
      field: 'settlements.1.outcome',
    });
    expect(refusal([ok, ok, { ...ok, outcome: 'failed', error: 'boom' }])).toEqual({
      code: 'invalid_argument',
      field: 'settlements.2.error',
    });
    expect(refusal([{ ...ok, outcome: 'failed', error: { code: 'e', message: 'm' }, retryAt: Number.NaN }])).toEqual({
      code: 'invalid_argument',
      field: 'settlements.0.retryAt',
    });
    expect(refusal([{ ...ok, outcome: undefined }])).toEqual({
      code: 'invalid_argument',
      field: 'settlements.0.outcome',
    });
  });
});
