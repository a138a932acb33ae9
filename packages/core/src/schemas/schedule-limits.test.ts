import { describe, expect, it } from 'vitest';
import { checkScheduleLimits, upsertOptionsOf } from './index.js';
import { expectRefusal } from './schemas.test-helpers.js';

describe('the schedule limits of a deployment', () => {
  it('default to a 1 s minimum interval and 1,000 schedules per tenant', () => {
    expect(upsertOptionsOf(undefined)).toEqual({ maxSchedulesPerTenant: 1000 });
    expect(upsertOptionsOf({ maxSchedulesPerTenant: 7 })).toEqual({ maxSchedulesPerTenant: 7 });
    expect(() => checkScheduleLimits({ minIntervalMs: 1, maxSchedulesPerTenant: 1 })).not.toThrow();
  });

  it.each([
    [{ maxSchedulesPerTenant: 0 }, 'limits.maxSchedulesPerTenant', 'a whole number of schedules, at least 1'],
    [{ maxSchedulesPerTenant: 2.5 }, 'limits.maxSchedulesPerTenant', 'a whole number of schedules, at least 1'],
    [{ minIntervalMs: 0 }, 'limits.minIntervalMs', 'an integer number of milliseconds from 1'],
    [{ minIntervalMs: 1e300 }, 'limits.minIntervalMs', 'an integer number of milliseconds from 1'],
  ])('refuses %j, naming the limit', (limits, field, expected) => {
    expectRefusal(() => checkScheduleLimits(limits), field, expected);
  });
});
