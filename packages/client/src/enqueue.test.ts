import { describe, expect, it } from 'vitest';
import { clientFixture, expectRefusal, listAll, mustGet } from './client.test-helpers.js';

const t = clientFixture();

describe('enqueue', () => {
  it('adds a job that getJob then shows, with the documented defaults filled in', async () => {
    const result = await t.client.enqueue({ name: 'email.send', payload: { to: 'a@example.com' }, tags: ['welcome'] });
    expect(result).toMatchObject({ status: 'waiting', created: true });
    expect(result.id.startsWith('default:')).toBe(true);
    expect(await mustGet(t.client, result.id)).toMatchObject({
      id: result.id,
      name: 'email.send',
      tenant: 'default',
      payload: { to: 'a@example.com' },
      priority: 5,
      tags: ['welcome'],
      attempt: 0,
      status: 'waiting',
    });
  });

  it('delays a job with delayMs, and answers an unknown id with undefined', async () => {
    const { id, status } = await t.client.enqueue({ name: 'email.send', tenant: 'acme', delayMs: 60_000 });
    expect(status).toBe('delayed');
    expect((await mustGet(t.client, id)).tenant).toBe('acme');
    expect(await t.client.getJob('acme:nosuchjob')).toBeUndefined();
  });

  it('returns the kept job for a repeated idempotency key and creates nothing', async () => {
    const first = await t.client.enqueue({ name: 'order.ship', idempotencyKey: 'order/42' });
    const second = await t.client.enqueue({ name: 'order.ship', idempotencyKey: 'order/42' });
    expect(second).toEqual({ id: first.id, status: 'waiting', created: false });
    expect((await listAll(t.client)).map((j) => j.id)).toEqual([first.id]);
  });

  it("refuses bad input with core's field error and writes nothing", async () => {
    await expectRefusal(t.client.enqueue({ name: 'email.send', priority: 12 }), 'invalid_argument', 'priority');
    await expectRefusal(t.client.enqueue({ name: 'bad name!' }), 'invalid_argument', 'name');
    expect(await listAll(t.client)).toEqual([]);
  });

  it('refuses a payload over the configured limit with payload_too_large', async () => {
    const small = t.open({ limits: { maxPayloadBytes: 16 } });
    await expectRefusal(small.enqueue({ name: 'email.send', payload: 'x'.repeat(100) }), 'payload_too_large');
    expect(await listAll(t.client)).toEqual([]);
  });
});

describe('enqueueBatch', () => {
  it('adds every job and answers in input order; a child waits on its parent', async () => {
    const parent = await t.client.enqueue({ name: 'report.build' });
    const results = await t.client.enqueueBatch([
      { name: 'report.send', dependsOn: [parent.id] },
      { name: 'report.archive', tenant: 'acme' },
    ]);
    expect(results.map((r) => [r.status, r.created])).toEqual([
      ['blocked', true],
      ['waiting', true],
    ]);
    const [send, archive] = await Promise.all(results.map((r) => mustGet(t.client, r.id)));
    expect(send).toMatchObject({ name: 'report.send', dependsOn: [parent.id] });
    expect(archive).toMatchObject({ name: 'report.archive', tenant: 'acme' });
  });

  it('writes nothing when one job is bad, and names it by index', async () => {
    const error = await expectRefusal(
      t.client.enqueueBatch([{ name: 'ok.one' }, { name: 'ok.two' }, { name: 'broken', maxAttempts: 0 }]),
      'invalid_argument',
      'jobs.2.maxAttempts',
    );
    expect(error.message).toContain('jobs.2.maxAttempts');
    expect(await listAll(t.client)).toEqual([]);
  });

  it('writes nothing when the store refuses one job (an unknown parent)', async () => {
    await expectRefusal(
      t.client.enqueueBatch([{ name: 'ok.one' }, { name: 'child', dependsOn: ['default:nosuchparent'] }]),
      'invalid_argument',
    );
    expect(await listAll(t.client)).toEqual([]);
  });
});
