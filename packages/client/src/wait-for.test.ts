import { isCadenzaError } from '@cadenza/core';
import { spyStore } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { claim, claimAll, clientFixture, expectRefusal, finish, mustGet, runJob } from './client.test-helpers.js';
import { WaitTimeoutError } from './wait-timeout-error.js';

const t = clientFixture();

describe('waitFor', () => {
  it('resolves with the job once another process settles it', async () => {
    const { id } = await t.client.enqueue({ name: 'email.send' });
    const waiting = t.client.waitFor(id, { timeoutMs: 5000 });
    const job = await claim(t.worker, id);
    // The wait must still be pending while the job is active.
    const early = await Promise.race([waiting, new Promise((r) => setTimeout(() => r('pending'), 50))]);
    expect(early).toBe('pending');
    await finish(t.worker, job, { result: { sent: 1 } });
    expect(await waiting).toMatchObject({ id, status: 'succeeded', attempt: 1, result: { sent: 1 } });
  });

  it('resolves with failed and canceled jobs too, and at once for a job already final', async () => {
    const failing = await t.client.enqueue({ name: 'email.send' });
    const canceled = await t.client.enqueue({ name: 'email.send', delayMs: 60_000 });
    const waits = [t.client.waitFor(failing.id), t.client.waitFor(canceled.id)];
    await runJob(t.worker, failing.id, { error: { code: 'handler_error', message: 'smtp down' } });
    await t.client.cancel(canceled.id);
    const [failed, cancel] = await Promise.all(waits);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'handler_error', message: 'smtp down' } });
    expect(cancel).toMatchObject({ status: 'canceled' });
    expect(await t.client.waitFor(canceled.id, { timeoutMs: 1000 })).toMatchObject({ status: 'canceled' });
  });

  it('times out with a WaitTimeoutError that names the job and its last status, leaving it alone', async () => {
    const { id } = await t.client.enqueue({ name: 'email.send' });
    const started = performance.now();
    const error = await t.client.waitFor(id, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ name: 'WaitTimeoutError', jobId: id, timeoutMs: 150, lastStatus: 'waiting' });
    expect((error as Error).message).toBe(
      `job "${id}" was not final after 150 ms (last seen waiting); the job itself is unchanged`,
    );
    expect((await mustGet(t.client, id)).status).toBe('waiting');
  });

  it('rejects an unknown job with not_found and a bad timeout with invalid_argument', async () => {
    await expectRefusal(t.client.waitFor('default:nosuchjob'), 'not_found');
    const { id } = await t.client.enqueue({ name: 'email.send' });
    await expectRefusal(t.client.waitFor(id, { timeoutMs: -1 }), 'invalid_argument', 'timeoutMs');
  });

  it('stops on abort with the signal reason', async () => {
    const { id } = await t.client.enqueue({ name: 'email.send' });
    const controller = new AbortController();
    const waiting = t.client.waitFor(id, { signal: controller.signal });
    controller.abort(new Error('caller gave up'));
    await expect(waiting).rejects.toThrow('caller gave up');
  });

  it('shares one batched getJobs poll among many concurrent waits', async () => {
    let spy: ReturnType<typeof spyStore> | undefined;
    const client = t.open({}, (store) => {
      spy = spyStore(store);
      return spy.store;
    });
    const inputs = Array.from({ length: 40 }, () => ({ name: 'email.send' }));
    const ids = (await client.enqueueBatch(inputs)).map((r) => r.id);
    // Two waits on each job: they share the job's slot in the poll too.
    const waits = [...ids, ...ids].map((id) => client.waitFor(id, { timeoutMs: 10_000 }));
    await new Promise((r) => setTimeout(r, 30));
    const claimed = await claimAll(t.worker);
    expect(claimed).toHaveLength(ids.length);
    for (const job of claimed) await finish(t.worker, job, { result: job.id });
    const jobs = await Promise.all(waits);
    expect(jobs.map((j) => j.result)).toEqual([...ids, ...ids]);

    const polls = (spy?.calls.getJobs ?? []).map(([asked]) => asked as string[]);
    expect(spy?.calls.getJob).toBeUndefined();
    expect(polls[0]?.slice().sort()).toEqual(ids.slice().sort());
    for (const asked of polls) expect(new Set(asked).size).toBe(asked.length);
    // One loop, not eighty: the jobs were run one by one over many rounds, yet far fewer
    // polls were made than waits times rounds.
    expect(polls.length).toBeLessThan(ids.length * 2);
  });

  it('rejects pending waits with unavailable when the client closes', async () => {
    const client = t.open();
    const { id } = await client.enqueue({ name: 'email.send' });
    const waiting = client.waitFor(id).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    await client.close();
    const error = await waiting;
    expect(isCadenzaError(error) && error.code).toBe('unavailable');
    await expectRefusal(client.waitFor(id), 'unavailable');
  });
});
