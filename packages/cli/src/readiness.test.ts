import { describe, expect, it } from 'vitest';
import { readiness } from './readiness.js';

describe('readiness: what a process says of itself on /readyz', () => {
  it('is ready with no worker, and with a worker that claims', () => {
    expect(readiness(false, {})).toBeUndefined();
    expect(readiness(false, { worker: () => ({ active: 3 }), notClaiming: () => undefined })).toBeUndefined();
  });

  it("says why a worker claims nothing, as 'unavailable'", () => {
    const node = {
      worker: () => ({ active: 0 }),
      notClaiming: () => 'its last claim failed: the store did not answer',
    };
    expect(readiness(false, node)).toEqual({
      status: 'unavailable',
      message: 'its last claim failed: the store did not answer',
    });
  });

  it("is 'stopping' from the first signal on, whatever the worker says, with the jobs it still waits for", () => {
    const holding = (active: number) => ({ worker: () => ({ active }), notClaiming: () => 'the worker is draining' });
    expect(readiness(true, {})).toEqual({ status: 'stopping', message: 'shutting down' });
    expect(readiness(true, holding(0))).toEqual({ status: 'stopping', message: 'shutting down' });
    expect(readiness(true, holding(1))).toEqual({
      status: 'stopping',
      message: 'shutting down: waiting for 1 running job',
    });
    expect(readiness(true, holding(2))).toEqual({
      status: 'stopping',
      message: 'shutting down: waiting for 2 running jobs',
    });
  });
});
