import { definedOnly } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { clientFixture, expectRefusal, listAll, mustGet, runJob } from './client.test-helpers.js';

const t = clientFixture();

describe('listJobs', () => {
  it('filters by tenant, status, name and tag, newest first', async () => {
    const a = await t.client.enqueue({ name: 'email.send', tenant: 'acme', tags: ['vip'] });
    const b = await t.client.enqueue({ name: 'email.send', tenant: 'globex' });
    const c = await t.client.enqueue({ name: 'report.build', tenant: 'acme', delayMs: 60_000 });
    const ids = async (query: Parameters<typeof t.client.listJobs>[0]): Promise<string[]> =>
      (await listAll(t.client, query)).map((j) => j.id).sort();

    expect(await ids({ tenant: 'acme' })).toEqual([a.id, c.id].sort());
    expect(await ids({ status: 'delayed' })).toEqual([c.id]);
    expect(await ids({ name: 'email.send' })).toEqual([a.id, b.id].sort());
    expect(await ids({ tag: 'vip' })).toEqual([a.id]);
    expect(await ids({ tenant: 'globex', status: 'delayed' })).toEqual([]);
  });

  it('pages with limit and cursor, each job once', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await t.client.enqueue({ name: 'email.send' })).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.client.listJobs({ limit: 2, ...definedOnly({ cursor }) });
      expect(page.jobs.length).toBeLessThanOrEqual(2);
      seen.push(...page.jobs.map((j) => j.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(seen.sort()).toEqual(made.sort());
  });
});

describe('listJobs include', () => {
  it('leaves payload and result out unless include asks; getJob is whole', async () => {
    const { id } = await t.client.enqueue({ name: 'email.send', payload: { to: 'a@example.com' } });
    await runJob(t.worker, id, { result: { sent: 1 } });
    const only = async (query: Parameters<typeof t.client.listJobs>[0]) => {
      const [job, more] = await listAll(t.client, query);
      expect(more).toBeUndefined();
      expect(job?.id).toBe(id);
      return job ?? {};
    };
    const plain = await only({});
    expect(Object.keys(plain)).not.toContain('payload');
    expect(Object.keys(plain)).not.toContain('result');
    expect(await only({ include: { payload: true } })).toMatchObject({ payload: { to: 'a@example.com' } });
    expect(Object.keys(await only({ include: { payload: true } }))).not.toContain('result');
    expect(await only({ include: { payload: true, result: true } })).toMatchObject({
      payload: { to: 'a@example.com' },
      result: { sent: 1 },
    });
    expect(await mustGet(t.client, id)).toMatchObject({ payload: { to: 'a@example.com' }, result: { sent: 1 } });
    await expectRefusal(t.client.listJobs({ include: { body: true } as never }), 'invalid_argument', 'include');
  });
});

describe('cancel', () => {
  it('cancels a waiting job for good: final, and a second cancel is a conflict', async () => {
    const { id } = await t.client.enqueue({ name: 'email.send' });
    expect(await t.client.cancel(id)).toMatchObject({ id, status: 'canceled' });
    expect((await mustGet(t.client, id)).status).toBe('canceled');
    await expectRefusal(t.client.cancel(id), 'conflict');
    await expectRefusal(t.client.cancel('default:nosuchjob'), 'not_found');
  });
});

describe('retry', () => {
  it('turns a failed job back into waiting with its attempts reset', async () => {
    const { id } = await t.client.enqueue({ name: 'email.send' });
    await runJob(t.worker, id, { error: { code: 'handler_error', message: 'smtp down' } });
    expect(await mustGet(t.client, id)).toMatchObject({
      status: 'failed',
      attempt: 1,
      error: { message: 'smtp down' },
    });

    expect(await t.client.retry(id)).toMatchObject({ id, status: 'waiting', attempt: 0 });
    expect(await mustGet(t.client, id)).toMatchObject({ status: 'waiting', attempt: 0, error: undefined });
  });

  it('refuses a job that has not failed with conflict', async () => {
    const { id } = await t.client.enqueue({ name: 'email.send' });
    await expectRefusal(t.client.retry(id), 'conflict');
    expect((await mustGet(t.client, id)).status).toBe('waiting');
  });
});
