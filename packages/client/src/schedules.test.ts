import { realClock } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { clientFixture, expectRefusal, listAll, mustGet } from './client.test-helpers.js';

const t = clientFixture();

describe('schedules', () => {
  it('upserts a cron schedule with its next fire time, then replaces it', async () => {
    const before = realClock.now();
    const first = await t.client.upsertSchedule('nightly', { name: 'report.build', cron: '0 3 * * *', tz: 'UTC' });
    expect(first.created).toBe(true);
    expect(first.schedule).toMatchObject({ id: 'nightly', tenant: 'default', runCount: 0, paused: false });
    const next = first.schedule.nextFireAt ?? 0;
    expect(next).toBeGreaterThan(before);
    expect(new Date(next).toISOString()).toMatch(/T03:00:00\.000Z$/);

    const again = await t.client.upsertSchedule('nightly', { name: 'report.build', cron: '0 3 * * *', priority: 8 });
    expect(again.created).toBe(false);
    expect(again.schedule.job.priority).toBe(8);
  });

  it('triggers a schedule: one job now, carrying scheduleId and scheduledFor', async () => {
    await t.client.upsertSchedule('reindex', {
      name: 'search.reindex',
      tenant: 'acme',
      manual: true,
      payload: { full: true },
    });
    const before = realClock.now();
    const job = await t.client.triggerSchedule('reindex', { tenant: 'acme' });
    expect(job).toMatchObject({
      name: 'search.reindex',
      tenant: 'acme',
      scheduleId: 'reindex',
      payload: { full: true },
    });
    expect(job.scheduledFor).toBeGreaterThanOrEqual(before);
    expect(job.scheduledFor).toBeLessThanOrEqual(realClock.now());
    expect(await mustGet(t.client, job.id)).toMatchObject({ status: 'waiting', scheduleId: 'reindex' });
    expect((await t.worker.getSchedule('acme', 'reindex'))?.runCount).toBe(1);
  });

  it('answers not_found for a schedule of another tenant', async () => {
    await t.client.upsertSchedule('reindex', { name: 'search.reindex', tenant: 'acme', manual: true });
    await expectRefusal(t.client.triggerSchedule('reindex'), 'not_found');
    expect(await listAll(t.client)).toEqual([]);
  });

  it("refuses a bad schedule with core's field error and writes nothing", async () => {
    await expectRefusal(t.client.upsertSchedule('bad', { name: 'x', cron: '61 * * * *' }), 'invalid_argument', 'cron');
    await expectRefusal(t.client.upsertSchedule('bad id!', { name: 'x', manual: true }), 'invalid_argument', 'id');
    expect(await t.worker.getSchedule('default', 'bad')).toBeUndefined();
  });
});
