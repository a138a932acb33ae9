import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/seeded-random.js';
import { commonJobInput } from './common-job-input.js';
import { jobInputSchema } from './job-schema.js';
import { MAX_ATTEMPTS, MAX_DURATION_MS, MAX_TIMEOUT_MS } from './limits.js';

const long = (n: number) => `a${'b'.repeat(n - 1)}`;
const BAD_NUMBERS = [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '5', true, [], {}];
/** Candidate values per field: good ones and the edges just past them. */
const VALUES: Record<string, readonly unknown[]> = {
  name: ['email.send', 'a', long(128), long(129), '', '.x', 'a b', 'ä', 7, null],
  tenant: ['acme', 'a_b-c', long(64), long(65), 'Acme', '-a', '', 3, null, undefined],
  payload: [{ to: 'x' }, [1, 2], 'text', 0, false, null, undefined, { nested: { deep: [null] } }],
  priority: [0, 5, 9, 10, -0, ...BAD_NUMBERS, null, undefined],
  maxAttempts: [1, 3, MAX_ATTEMPTS, MAX_ATTEMPTS + 1, 0, ...BAD_NUMBERS, null],
  timeoutMs: [1, 30_000, MAX_TIMEOUT_MS, MAX_TIMEOUT_MS + 1, 0, ...BAD_NUMBERS, null],
  delayMs: [0, 1000, MAX_DURATION_MS, MAX_DURATION_MS + 1, Number.MAX_SAFE_INTEGER + 2, ...BAD_NUMBERS, null],
  idempotencyKey: ['order/42', 'a@b+c=d', long(255), long(256), '/x', '', 9, null],
  // Fields outside the common shape: the full schema always decides these.
  tags: [['a'], []],
  backoff: [{ type: 'fixed', delayMs: 10 }],
  runAt: ['2030-01-01T00:00:00Z'],
  dependsOn: [[]],
  nmae: ['typo'],
};
const FIELDS = Object.keys(VALUES);

function generate(next: () => number): unknown {
  const roll = next();
  if (roll < 0.02) return [{ name: 'a' }];
  if (roll < 0.04) return 'email.send';
  if (roll < 0.06) return Object.assign(Object.create({ inherited: 1 }), { name: 'a' });
  if (roll < 0.08) return Object.assign(Object.create(null), { name: 'a', priority: 3 });
  const input: Record<string, unknown> = {};
  const common = FIELDS.slice(0, 8);
  for (const field of next() < 0.7 ? common : FIELDS) {
    if (field !== 'name' && next() < 0.5) continue;
    const values = VALUES[field] ?? [];
    // Mostly the first (good) values, so that most inputs are accepted and the fast path is exercised.
    const index = next() < 0.6 ? Math.floor(next() * Math.min(3, values.length)) : Math.floor(next() * values.length);
    input[field] = values[index];
  }
  return input;
}

/** Fields with the value undefined say nothing: compare without them. */
function defined(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

describe('commonJobInput', () => {
  it('answers only what the full schema would accept, and the same parsed input, over 20,000 generated inputs', () => {
    const next = seededRandom(20261203);
    let fast = 0;
    let accepted = 0;
    for (let n = 0; n < 20_000; n++) {
      const input = generate(next);
      const quick = commonJobInput(input);
      const full = jobInputSchema.safeParse(input);
      if (full.success) accepted++;
      if (quick === undefined) continue;
      fast++;
      expect({ input, accepted: full.success }).toEqual({ input, accepted: true });
      if (full.success) expect({ input, parsed: defined(quick) }).toEqual({ input, parsed: defined(full.data) });
    }
    // The generator is useful only if both paths are well exercised.
    expect(fast).toBeGreaterThan(4_000);
    expect(accepted - fast).toBeGreaterThan(500);
    expect(20_000 - accepted).toBeGreaterThan(2_000);
  });

  it('takes the common shapes an enqueue sends', () => {
    for (const input of [
      { name: 'email.send' },
      { name: 'email.send', payload: { to: 'ada@example.com' } },
      { name: 'report.build', tenant: 'acme', priority: 9, maxAttempts: 3, delayMs: 1000, timeoutMs: 5000 },
      { name: 'x', idempotencyKey: 'order/42', payload: null, tenant: null },
    ]) {
      expect(commonJobInput(input), JSON.stringify(input)).toBeDefined();
    }
  });

  it('leaves every other shape to the full schema', () => {
    for (const input of [
      { name: 'a', tags: ['t'] },
      { name: 'a', backoff: { type: 'fixed', delayMs: 1 } },
      { name: 'a', nmae: 'typo' },
      { payload: {} },
      { name: 'a', priority: 10 },
      new (class Input {
        name = 'a';
      })(),
    ]) {
      expect(commonJobInput(input), JSON.stringify(input)).toBeUndefined();
    }
  });
});
