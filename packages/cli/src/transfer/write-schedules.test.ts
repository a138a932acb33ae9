import { prepareSchedule, type ScheduleInput, type Store } from '@cadenza/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeSource } from './store-source.js';
import { MINUTE, NOW, type Stores, stores } from './transfer.test-helpers.js';
import { writeSchedules } from './write-schedules.js';

// Next fires that an upsert alone would not give back: the copy sets them as a leader would.

let s: Stores;
beforeAll(async () => {
  s = await stores();
});
afterAll(() => s.close());

/** Creates schedule `id` at NOW, then fires it once at its next fire (as a leader does). */
async function firedOnce(store: Store, id: string, input: ScheduleInput): Promise<void> {
  const { schedule } = await store.upsertSchedule(prepareSchedule(id, input), NOW);
  const at = schedule.nextFireAt;
  if (at === undefined) throw new Error(`${id} has no fire`);
  const lead = await store.acquireLeadership('leader', 10_000, at);
  if (lead === undefined) throw new Error('no lead');
  const next = input.every === undefined ? undefined : at + input.every;
  await store.recordFires(
    lead,
    [{ tenant: 'default', scheduleId: id, expectedNextFireAt: at, jobs: [], nextFireAt: next }],
    at,
  );
  await store.releaseLeadership(lead);
}

describe.each(['memory', 'sqlite', 'redis'] as const)('schedules into %s', (kind) => {
  it('keeps the next fire of an every that started within its grace, of an at that fired, and of a paused one', async () => {
    const from = await s.open('memory');
    const to = await s.open(kind);
    // Started a second ago, so an upsert now would fire it at its start again.
    const start = new Date(NOW - 1000).toISOString();
    await firedOnce(from, 'cadence', { name: 'a', every: 10_000, startAt: start });
    await firedOnce(from, 'launch', { name: 'a', at: new Date(NOW + MINUTE).toISOString() });
    await firedOnce(from, 'quiet', { name: 'a', every: 10_000, startAt: start });
    await from.setSchedulePaused('default', 'quiet', true, NOW + 2000);

    const counts = await writeSchedules(storeSource(from), to, NOW + 2000);
    expect(counts.unequal).toEqual([]);
    for (const id of ['cadence', 'launch', 'quiet']) {
      const [a, b] = await Promise.all([from.getSchedule('default', id), to.getSchedule('default', id)]);
      expect(b?.nextFireAt, id).toBe(a?.nextFireAt);
      expect(b?.paused, id).toBe(a?.paused);
    }
    expect((await to.getSchedule('default', 'launch'))?.nextFireAt).toBeUndefined();
    // The copy gave its lease back: a coordinator can lead the target at once.
    expect(await to.getLeadership(NOW + 2000)).toBeUndefined();
  });
});
