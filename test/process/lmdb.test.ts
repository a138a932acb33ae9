// `cadenza dev --store lmdb:PATH` with a second process on the same file: a job enqueued by
// `cadenza enqueue --store lmdb:PATH` while dev runs is picked up by dev, and dev's own jobs
// run. Build first (`npx -y pnpm@12.4.2 build`); these tests run dist/bin.js.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, enqueue, FIXTURE, runCli, startDev, waitForStatus } from './cadenza-process.js';
import { killAfterEach, tempDir } from './sandbox.js';

const HANDLERS = join(FIXTURE, 'handlers.mjs');
const QUIET = ['--shutdown-timeout-ms', '300', '--log-level', 'warn'];
// Short leases, so that a killed process's job and leadership come back in about a second.
const FAST = ['--lease-ms', '1000', '--leader-ttl-ms', '2000', ...QUIET];

const folder = tempDir('lmdb');
const track = killAfterEach();

beforeAll(() => {
  assertBuilt();
});

describe('cadenza dev on lmdb:', () => {
  it('runs its own jobs and one another process enqueues into the file', async () => {
    const store = `lmdb:${join(folder.path, 'state.lmdb')}`;
    const node = await startDev(['--store', store, '--handlers', HANDLERS, ...QUIET]);
    track(node);
    const own = await enqueue(node, { name: 'ok', payload: { from: 'http' } });
    expect(await waitForStatus(node, own, 'succeeded')).toMatchObject({ result: { echo: { from: 'http' } } });

    const added = await runCli(['enqueue', 'ok', '--payload', '{"from":"cli"}', '--store', store]);
    expect(added, added.stderr).toMatchObject({ code: 0 });
    const id = added.stdout.trim();
    // dev hears of it through the file, not through its API.
    expect(await waitForStatus(node, id, 'succeeded')).toMatchObject({ result: { echo: { from: 'cli' } } });

    expect(await node.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const show = await runCli(['jobs', 'show', id, '--store', store]);
    expect(JSON.parse(show.stdout)).toMatchObject({ id, status: 'succeeded' });
  }, 15_000);

  it('runs again, after a restart, a job running when dev was killed with SIGKILL; loses nothing acknowledged', async () => {
    const store = `lmdb:${join(folder.path, 'killed.lmdb')}`;
    const gate = join(folder.path, 'gate');
    const first = await startDev(['--store', store, '--handlers', HANDLERS, '--id', 'node-a', ...FAST]);
    track(first);
    const done = await enqueue(first, { name: 'ok', payload: 1 });
    await waitForStatus(first, done, 'succeeded');
    const later = await enqueue(first, { name: 'ok', delayMs: 3_600_000 });
    const held = await enqueue(first, { name: 'gate', payload: { gate }, maxAttempts: 3 });
    await waitForStatus(first, held, 'active');
    // Each answer came after its commit: nothing to wait for before the kill.
    expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    writeFileSync(gate, 'open');
    const second = await startDev(['--store', store, '--handlers', HANDLERS, '--id', 'node-a', ...FAST]);
    track(second);
    // The claim was committed: the lease expires, and the job runs a second time.
    expect(await waitForStatus(second, held, 'succeeded')).toMatchObject({ attempt: 2, result: { passed: true } });
    expect((await second.http<{ status: string }>('GET', `/v1/jobs/${done}`)).body.status).toBe('succeeded');
    expect((await second.http<{ status: string }>('GET', `/v1/jobs/${later}`)).body.status).toBe('delayed');
    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    const doctor = await runCli(['doctor', '--store', store]);
    expect(doctor, doctor.stderr).toMatchObject({ code: 0 });
    const status = await runCli(['status', '--store', store]);
    expect(status, status.stderr).toMatchObject({ code: 0 });
    expect(status.stdout).toMatch(/^leader: /);
  }, 20_000);
});
