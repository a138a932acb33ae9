// `cadenza dev --store lmdb:PATH` with a second process on the same file: a job enqueued by
// `cadenza enqueue --store lmdb:PATH` while dev runs is picked up by dev, and dev's own jobs
// run. Build first (`npx -y pnpm@12.4.2 build`); these tests run dist/bin.js.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type Cadenza, enqueue, FIXTURE, runCli, startDev, waitForStatus } from './cadenza-process.js';

const HANDLERS = join(FIXTURE, 'handlers.mjs');
const QUIET = ['--shutdown-timeout-ms', '300', '--log-level', 'warn'];

let dir: string;
const running = new Set<Cadenza>();

beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'cadenza-lmdb-'));
});
afterEach(async () => {
  for (const node of running) {
    node.proc.kill('SIGKILL');
    await node.exited;
  }
  running.clear();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('cadenza dev on lmdb:', () => {
  it('runs its own jobs and one another process enqueues into the file', async () => {
    const store = `lmdb:${join(dir, 'state.lmdb')}`;
    const node = await startDev(['--store', store, '--handlers', HANDLERS, ...QUIET]);
    running.add(node);
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
});
