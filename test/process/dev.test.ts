// `cadenza dev` as a real process: the built binary, spawned, killed and restarted on the
// same store file. Build first (`npx -y pnpm@12.4.2 build`); these tests run dist/bin.js.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  type Cadenza,
  enqueue,
  FIXTURE,
  runCli,
  startDev,
  waitFor,
  waitForStatus,
} from './cadenza-process.js';
import { killAfterEach, tempDir } from './sandbox.js';

const HANDLERS = join(FIXTURE, 'handlers.mjs');
const STARTUP = join(FIXTURE, 'startup.json');
// Short leases so that a killed process's job and leadership come back in about a second.
const FAST = ['--lease-ms', '1000', '--leader-ttl-ms', '2000', '--shutdown-timeout-ms', '300', '--log-level', 'warn'];

const folder = tempDir('process');
const track = killAfterEach();

beforeAll(() => {
  assertBuilt();
});

async function dev(args: readonly string[]): Promise<Cadenza> {
  const node = await startDev(args);
  return track(node);
}

const STORES = ['sqlite', 'json', 'snapshot'] as const;
let seq = 0;
const storeFile = (kind: string) => join(folder.path, `${kind}-${++seq}.${kind === 'sqlite' ? 'db' : kind}`);

/** File stores write behind a short debounce: wait until the file on disk holds the job. */
async function persisted(kind: string, path: string, id: string): Promise<void> {
  if (kind === 'sqlite') return; // each write is a committed transaction
  await waitFor(`${id} in ${path}`, () => {
    try {
      return readFileSync(path).includes(Buffer.from(id));
    } catch {
      return false;
    }
  });
}

describe('cadenza dev', () => {
  it('prints one start line, serves the API and runs an enqueued job', async () => {
    const node = await dev(['--store', `sqlite:${storeFile('sqlite')}`, '--handlers', HANDLERS, ...FAST]);
    expect(node.stdout.filter((l) => l.startsWith('cadenza dev listening on '))).toHaveLength(1);
    const id = await enqueue(node, { name: 'ok', payload: { hello: 'world' } });
    const job = await waitForStatus(node, id, 'succeeded');
    expect(job).toMatchObject({ attempt: 1, result: { echo: { hello: 'world' } } });
    expect(await node.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 30_000);

  for (const kind of STORES) {
    it(`${kind}: a job running when the process is SIGKILLed runs again after a restart; nothing else is lost`, async () => {
      const path = storeFile(kind);
      const store = `${kind}:${path}`;
      const gate = join(folder.path, `gate-${seq}`);
      const first = await dev([
        '--store',
        store,
        '--handlers',
        HANDLERS,
        '--schedules',
        STARTUP,
        '--id',
        'node-a',
        ...FAST,
      ]);
      const done = await enqueue(first, { name: 'ok', payload: 1 });
      await waitForStatus(first, done, 'succeeded');
      const later = await enqueue(first, { name: 'ok', delayMs: 3_600_000 });
      const held = await enqueue(first, { name: 'gate', payload: { gate }, maxAttempts: 3 });
      await waitForStatus(first, held, 'active');
      const schedule = await first.http<{ nextFireAt: string; runCount: number }>('GET', '/v1/schedules/hourly');
      expect(schedule.status).toBe(200);
      const startupJobs = await first.http<{ jobs: { id: string }[] }>('GET', '/v1/jobs?name=ok&limit=100');
      await persisted(kind, path, held);
      expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

      writeFileSync(gate, 'open');
      // Restarted without --schedules: the schedule and startup job must come from the store.
      const second = await dev(['--store', store, '--handlers', HANDLERS, '--id', 'node-a', ...FAST]);
      const rerun = await waitForStatus(second, held, 'succeeded');
      expect(rerun.result).toMatchObject({ passed: true });
      if (kind === 'sqlite') expect(rerun.attempt).toBe(2); // the claim was durable: the lease expired, it ran again
      expect((await second.http<{ status: string }>('GET', `/v1/jobs/${done}`)).body.status).toBe('succeeded');
      expect((await second.http<{ status: string }>('GET', `/v1/jobs/${later}`)).body.status).toBe('delayed');
      const after = await second.http<{ nextFireAt: string; runCount: number }>('GET', '/v1/schedules/hourly');
      expect(after.body).toMatchObject({ nextFireAt: schedule.body.nextFireAt, runCount: schedule.body.runCount });
      const afterJobs = await second.http<{ jobs: { id: string }[] }>('GET', '/v1/jobs?name=ok&limit=100');
      expect(afterJobs.body.jobs.map((j) => j.id).sort()).toEqual(startupJobs.body.jobs.map((j) => j.id).sort());
      expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }, 60_000);

    it(`${kind}: SIGTERM while jobs run exits 0 and loses none`, async () => {
      const path = storeFile(kind);
      const store = `${kind}:${path}`;
      const gate = join(folder.path, `gate-${seq}`);
      const first = await dev(['--store', store, '--handlers', HANDLERS, ...FAST]);
      const held = [];
      for (let i = 0; i < 3; i++) held.push(await enqueue(first, { name: 'gate', payload: { gate } }));
      const quick = await enqueue(first, { name: 'ok' });
      for (const id of held) await waitForStatus(first, id, 'active');
      await waitForStatus(first, quick, 'succeeded');
      expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });

      // Restart with the gate closed: the released jobs are waiting, their attempt given back.
      const second = await dev(['--store', store, '--handlers', HANDLERS, ...FAST]);
      for (const id of held) {
        const job = await second.http<{ status: string; attempt: number }>('GET', `/v1/jobs/${id}`);
        expect(['waiting', 'active']).toContain(job.body.status);
      }
      writeFileSync(gate, 'open');
      for (const id of held) {
        // maxAttempts is 1: only a release that gave the attempt back lets the job run again.
        expect(await waitForStatus(second, id, 'succeeded')).toMatchObject({ attempt: 1 });
      }
      expect((await second.http<{ status: string }>('GET', `/v1/jobs/${quick}`)).body.status).toBe('succeeded');
      expect(await second.stop('SIGINT')).toEqual({ code: 0, signal: null });
    }, 60_000);
  }

  it('a second signal during a graceful shutdown exits at once', async () => {
    const store = `sqlite:${storeFile('sqlite')}`;
    const gate = join(folder.path, `gate-${seq}`);
    const args = ['--store', store, '--handlers', HANDLERS, '--id', 'node-b', '--lease-ms', '1000'];
    const first = await dev([...args, '--shutdown-timeout-ms', '60000', '--log-level', 'info']);
    const held = await enqueue(first, { name: 'gate', payload: { gate }, maxAttempts: 2 });
    await waitForStatus(first, held, 'active');
    first.proc.kill('SIGTERM');
    // The worker now waits up to a minute for the held job; a second signal cuts that short.
    await waitFor('the shutdown log line', () => first.stdout.some((l) => l.includes('"msg":"shutting down"')));
    expect(await first.stop('SIGTERM')).toEqual({ code: 128 + 15, signal: null });

    writeFileSync(gate, 'open');
    const second = await dev([...args, '--leader-ttl-ms', '2000', '--log-level', 'warn']);
    expect(await waitForStatus(second, held, 'succeeded')).toMatchObject({ attempt: 2 });
    expect(await second.stop()).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('refuses bad flags, stores and handlers files with one line on stderr and exit 2', async () => {
    const cases = [
      ['dev', '--port', 'nope'],
      ['dev', '--store', 'mysql:x'],
      ['dev', '--store', 'redis://127.0.0.1:1'], // nothing listens there
      ['dev', '--store', 'memory', '--handlers', join(FIXTURE, 'missing.mjs')],
      ['dev', '--store', 'memory', '--handlers', STARTUP],
      ['dev', '--store', 'memory', '--schedules', HANDLERS],
      ['dev', '--no-such-flag'],
    ];
    for (const args of cases) {
      const result = await runCli(args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  }, 30_000);

  it('admin verbs work against the store a dev process used', async () => {
    const path = storeFile('sqlite');
    const store = ['--store', `sqlite:${path}`];
    const node = await dev([...store, '--handlers', HANDLERS, '--schedules', STARTUP, ...FAST]);
    const id = await enqueue(node, { name: 'ok', tenant: 'acme' });
    await waitForStatus(node, id, 'succeeded');
    expect(await node.stop()).toEqual({ code: 0, signal: null });

    const added = await runCli(['enqueue', 'ok', '--payload', '{"n":1}', '--priority', '7', ...store]);
    expect(added.code).toBe(0);
    const newId = added.stdout.trim();
    const show = await runCli(['jobs', 'show', newId, ...store]);
    expect(JSON.parse(show.stdout)).toMatchObject({ id: newId, status: 'waiting', priority: 7, payload: { n: 1 } });
    const list = await runCli(['jobs', '--tenant', 'acme', ...store]);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('succeeded');
    const schedules = await runCli(['schedules', ...store]);
    expect(schedules.stdout).toMatch(/hourly\s+default\s+ok\s+every 3600000ms/);
    const status = await runCli(['status'], { CADENZA_STORE: `sqlite:${path}` });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^leader: /);
    expect(status.stdout).toMatch(/acme\s+5\s+0\s+0\s+0\s+0\s+1/);
    expect((await runCli(['jobs', 'show', 'default:nope', ...store])).code).toBe(1);
  }, 30_000);
});
