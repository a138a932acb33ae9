// The schedule flags on real `cadenza` processes: `--min-interval-ms` (and its environment
// variable) on dev, server and coordinator, `--max-schedules-per-tenant` on dev and server.
// Build first.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { definedOnly, prepareSchedule, realClock } from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { type Cadenza, runCli, startCadenza, startDev, waitFor } from './cadenza-process.js';
import { clustersPerFile } from './cluster.js';

const file = clustersPerFile('schedule-limits');
const every = (ms: number, tenant?: string) => ({
  name: 'tick',
  every: ms,
  ...definedOnly({ tenant }),
});

interface ErrorBody {
  error: { code: string; message: string };
}

async function put(node: Cadenza, id: string, body: unknown): Promise<{ status: number; body: ErrorBody }> {
  return node.http<ErrorBody>('PUT', `/v1/schedules/${id}`, body);
}

describe('cadenza dev', () => {
  it('refuses an every under --min-interval-ms and one schedule over --max-schedules-per-tenant', async () => {
    const dev = await startDev(['--store', 'memory', '--min-interval-ms', '5000', '--max-schedules-per-tenant', '2']);
    try {
      const short = await put(dev, 'fast', every(4999));
      expect(short.status).toBe(400);
      expect(short.body.error.code).toBe('invalid_argument');
      expect(short.body.error.message).toMatch(/^every: got 4999, expected .*from 5000 \(the minimum interval\)/);
      expect((await put(dev, 'a', every(5000))).status).toBe(201);
      expect((await put(dev, 'b', every(5000))).status).toBe(201);
      const over = await put(dev, 'c', every(5000));
      expect(over.status).toBe(429);
      expect(over.body.error.code).toBe('resource_exhausted');
      expect(over.body.error.message).toContain('maxSchedulesPerTenant 2');
      expect((await put(dev, 'b', every(10_000))).status).toBe(200);
      expect((await put(dev, 'c', every(5000, 'beta'))).status).toBe(201);
      const listed = await dev.http<{ schedules: { id: string }[] }>('GET', '/v1/schedules');
      expect(listed.body.schedules.map((s) => s.id).sort()).toEqual(['a', 'b']);
    } finally {
      await dev.stop();
    }
  }, 60_000);

  it('takes CADENZA_MIN_INTERVAL_MS: a deployment may allow a shorter every than the default', async () => {
    const dev = await startDev(['--store', 'memory'], { CADENZA_MIN_INTERVAL_MS: '100' });
    try {
      expect((await put(dev, 'fast', every(200))).status).toBe(201);
      expect((await put(dev, 'faster', every(99))).status).toBe(400);
    } finally {
      await dev.stop();
    }
  }, 60_000);

  it('refuses a bad flag with one line naming it, exit 2', async () => {
    const result = await runCli(['dev', '--store', 'memory', '--port', '0', '--min-interval-ms', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/--min-interval-ms: got "0", expected an integer from 1/);
    const other = await runCli(['server', '--redis', file.redis.url, '--max-schedules-per-tenant', 'many']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('--max-schedules-per-tenant: got "many"');
    // A --schedules file is checked under the same minimum before anything starts.
    const schedules = join(file.dir, 'schedules.json');
    writeFileSync(schedules, JSON.stringify({ fast: every(1500) }));
    const refused = await runCli([
      'dev',
      '--store',
      'memory',
      '--port',
      '0',
      '--min-interval-ms',
      '2000',
      '--schedules',
      schedules,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('schedule "fast": every: got 1500');
    expect(refused.stderr).toContain('from 2000 (the minimum interval)');
  }, 60_000);
});

describe('a cluster', () => {
  it('cadenza server applies both flags', async () => {
    const c = file.start(['--log-level', 'warn']);
    const server = await startCadenza('server', [
      '--redis',
      file.redis.url,
      '--prefix',
      c.prefix,
      '--min-interval-ms',
      '2000',
      '--max-schedules-per-tenant',
      '1',
    ]);
    c.nodes.add(server);
    const short = await put(server, 'fast', every(1999));
    expect(short.status).toBe(400);
    expect(short.body.error.message).toContain('from 2000 (the minimum interval)');
    expect((await put(server, 'a', every(2000))).status).toBe(201);
    const over = await put(server, 'b', every(2000));
    expect(over.status).toBe(429);
    expect(over.body.error.message).toContain('maxSchedulesPerTenant 1');
    expect(await c.store.getSchedule('default', 'b')).toBeUndefined();
  }, 60_000);

  it('cadenza coordinator fires an every stored shorter than --min-interval-ms at most once per interval', async () => {
    const c = file.start(['--log-level', 'warn']);
    // Stored as a deployment allowing 1 ms would have: every 100 ms, ten fires a second.
    const fast = prepareSchedule('fast', { name: 'tick', every: 100 }, { minIntervalMs: 1 });
    await c.store.upsertSchedule(fast, realClock.now());
    await c.coordinator('c1', ['--min-interval-ms', '500']);
    let fired: number[] = [];
    await waitFor(
      () => `three fires (saw ${fired.length})`,
      async () => {
        const page = await c.store.listJobs({ limit: 100 });
        fired = page.jobs.map((j) => j.scheduledFor ?? 0).sort((a, b) => a - b);
        return fired.length >= 3;
      },
    );
    // Paced to every 5th time of its cadence (not the default 1 s): 500 ms apart, each once.
    expect(new Set(fired).size).toBe(fired.length);
    for (const at of fired) expect(at % 500).toBe(0);
    expect(fired.slice(1).map((at, i) => at - (fired[i] ?? 0))).toEqual(fired.slice(1).map(() => 500));
  }, 60_000);
});
