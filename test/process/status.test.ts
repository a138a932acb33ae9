// The registry of live processes, end to end: a coordinator, two workers and an API server
// on one redis-server report themselves (`--report-every-ms`); `/v1/cluster` of the server
// and `cadenza status --redis` list them; a SIGKILLed worker drops out once three reports
// are missed, a SIGTERMed one at once. And `cadenza status` on the SQLite file of a running
// `cadenza dev` says when its leader last ticked. Build first; these tests run dist/bin.js.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Cadenza, runCli, startCadenza, startDev, waitFor } from './cadenza-process.js';
import { clustersPerFile } from './cluster.js';

// Every process reports every 100 ms, so a killed one is stale after 300 ms.
const COMMON = ['--log-level', 'warn', '--report-every-ms', '100'];
// This worker reports once a minute: it would stay listed for three minutes after a crash,
// so its vanishing right after SIGTERM can only be the graceful stop removing it.
const SLOW_REPORTS = ['--report-every-ms', '60000'];

interface ClusterView {
  leader: { id: string; epoch: number; lastTickAt: string | null } | null;
  coordinators: { id: string; leader: boolean; lastSeenAt: string }[];
  workers: { id: string; active: number; concurrency?: number; lastSeenAt: string }[];
  servers: { id: string }[];
  queues: { tenant: string; priority: number; counts: Record<string, number> }[];
}

const file = clustersPerFile('status');

async function view(server: Cadenza): Promise<ClusterView> {
  const response = await server.http<ClusterView>('GET', '/v1/cluster');
  expect(response.status).toBe(200);
  return response.body;
}

describe('cadenza status and /v1/cluster', () => {
  it('list every live coordinator, worker and server; a killed worker drops out when stale, a stopped one at once', async () => {
    const c = file.start(COMMON);
    const redis = file.redis;
    await c.coordinator('coord-1', ['--leader-ttl-ms', '2000']);
    const w1 = await c.worker('w1', ['--concurrency', '4', ...SLOW_REPORTS]);
    const w2 = await c.worker('w2');
    const server = await startCadenza('server', ['--redis', redis.url, '--prefix', c.prefix, ...COMMON], {
      CADENZA_ID: 'api-1',
    });
    c.nodes.add(server);
    await c.enqueue([
      { name: 'record', tenant: 'acme', priority: 7 },
      { name: 'record', tenant: 'globex' },
    ]);
    await c.succeeded(2);

    // Each process reports before its start line, so all are listed once started; the
    // leader may take a moment to be elected.
    await waitFor('coord-1 to lead', async () => (await view(server)).leader?.id === 'coord-1');
    // Redis keeps the leader's ticks, so once it has ticked, status must say when.
    await waitFor('coord-1 to tick', async () => (await view(server)).leader?.lastTickAt != null);
    const all = await view(server);
    expect(all.coordinators).toEqual([expect.objectContaining({ id: 'coord-1', leader: true })]);
    expect(all.workers.map((w) => [w.id, w.concurrency])).toEqual([
      ['w1', 4],
      ['w2', 10],
    ]);
    expect(all.servers.map((s) => s.id)).toEqual(['api-1']);

    const status = await runCli(['status', '--redis', redis.url, '--prefix', c.prefix]);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^leader: coord-1 \(epoch \d+, lease expires in \d+s\), last tick \S+ ago$/m);
    expect(status.stdout).toMatch(/^ROLE +ID +ACTIVE +LEADER +LAST SEEN +UP$/m);
    expect(status.stdout).toMatch(/^coordinator +coord-1 +- +yes +\S+ ago +\S+$/m);
    expect(status.stdout).toMatch(/^worker +w1 +0\/4 +- +\S+ ago +\S+$/m);
    expect(status.stdout).toMatch(/^worker +w2 +0\/10 +- +\S+ ago +\S+$/m);
    expect(status.stdout).toMatch(/^server +api-1 +- +- +\S+ ago +\S+$/m);
    expect(status.stdout).toMatch(/^acme +7 +0 +0 +0 +0 +1 /m);
    expect(status.stdout).toMatch(/^globex +5 +0 +0 +0 +0 +1 /m);

    // SIGKILL: nobody removes w2; it is left out once three of its reports are missed.
    w2.proc.kill('SIGKILL');
    await w2.exited;
    await waitFor('w2 to drop out', async () => (await view(server)).workers.every((w) => w.id !== 'w2'), 5000);
    expect((await view(server)).workers.map((w) => w.id)).toEqual(['w1']);

    // SIGTERM: w1 removes itself on the way out, long before its reports would go stale.
    expect(await w1.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect((await view(server)).workers).toEqual([]);
    const after = await runCli(['status', '--redis', redis.url, '--prefix', c.prefix]);
    expect(after.stdout).not.toMatch(/^worker /m);
    expect(after.stdout).toMatch(/^coordinator +coord-1 /m);
  }, 60_000);
});

describe('cadenza status on the store of a running cadenza dev', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-status-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says when the leader last ticked', async () => {
    const store = `sqlite:${join(dir, 'dev.db')}`;
    const dev = await startDev(['--store', store, '--log-level', 'warn'], { CADENZA_ID: 'dev-1' });
    try {
      // /v1/cluster reads the store's record of the tick, written before the tick ends.
      await waitFor('dev-1 to tick', async () => (await view(dev)).leader?.lastTickAt != null);
      const status = await runCli(['status', '--store', store]);
      expect(status.stderr).toBe('');
      expect(status.code).toBe(0);
      // The SQLite store keeps the leader's ticks, so another process can say when.
      expect(status.stdout.split('\n')[0]).toMatch(
        /^leader: dev-1 \(epoch \d+, lease expires in \d+s\), last tick \S+ ago$/,
      );
    } finally {
      expect(await dev.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
  }, 60_000);
});
