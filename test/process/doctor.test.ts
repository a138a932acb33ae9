// `cadenza doctor` as an operator runs it, against the Redis of a cluster at work: silent
// (exit 0) while a coordinator and a worker run jobs, one line per broken invariant (exit
// 1) once the store is damaged by hand, `--repair` fixing what is safe and saying so, and
// what it must not touch still reported. Build first; these tests run dist/bin.js.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tenantKeys } from '@cadenza/store-redis';
import { describe, expect, it } from 'vitest';
import { enqueue, FIXTURE, runCli, startDev, waitFor, waitForStatus } from './cadenza-process.js';
import { clustersPerFile, readRuns } from './cluster.js';

const file = clustersPerFile('doctor');

describe('cadenza doctor --redis', () => {
  it('finds nothing on a cluster at work, finds what was broken, repairs what is safe', async () => {
    const c = file.start(['--log-level', 'warn']);
    const doctor = (...flags: string[]) => runCli(['doctor', '--redis', c.redis.url, '--prefix', c.prefix, ...flags]);
    await c.coordinator('coord-1');
    await c.worker('w1', ['--concurrency', '4']);
    const gate = join(file.dir, 'gate');
    // Two jobs held active (leases, heartbeats) while the doctor reads; the rest run through.
    await c.enqueue([
      { name: 'hold', tenant: 'acme', payload: { gate } },
      { name: 'hold', tenant: 'globex', payload: { gate } },
      ...Array.from({ length: 20 }, (_, i) => ({
        name: 'record',
        tenant: i % 2 ? 'acme' : 'globex',
        priority: i % 10,
      })),
    ]);
    await c.succeeded(20);
    await waitFor('both held jobs to start', () => readRuns(c.runs).filter((r) => r.event === 'start').length === 2);

    const healthy = await doctor();
    expect(healthy.stderr).toBe('');
    expect(healthy.stdout).toBe('no findings (checked 2 tenants, 22 jobs, 0 schedules)\n');
    expect(healthy.code).toBe(0);

    const redis = c.redis.client();
    try {
      await redis.hincrby(tenantKeys(c.prefix, 'acme').counts, 'succeeded/3', 5);
      await redis.hset(tenantKeys(c.prefix, 'globex').idempotency, 'lost-key', 'no-such-job');
      await redis.set(`${c.prefix}:left-behind`, '1');
    } finally {
      redis.disconnect();
    }
    const damaged = await doctor();
    expect(damaged.code).toBe(1);
    expect(damaged.stdout.split('\n')).toEqual([
      `orphans      ${c.prefix}:left-behind: is under the prefix, but no part of cadenza names it`,
      'counts       acme/3: succeeded count is 7, but 2 succeeded jobs are stored',
      'idempotency  globex idempotency key lost-key: idempotency key names job no-such-job, which is gone',
      '3 findings (checked 2 tenants, 22 jobs, 0 schedules); --repair fixes what can be fixed safely',
      '',
    ]);

    const repaired = await doctor('--repair');
    expect(repaired.code).toBe(1);
    expect(repaired.stdout).toMatch(/^counts {7}acme\/3: .* \(repaired: set to 2\)$/m);
    expect(repaired.stdout).toMatch(/^idempotency {2}globex .* \(repaired: dropped the idempotency key\)$/m);
    // Not cadenza's to delete: still there, still reported.
    expect(repaired.stdout).toMatch(/^orphans {6}\S+:left-behind: [^(]*$/m);
    expect(repaired.stdout).toMatch(/^3 findings .*, 2 repaired$/m);

    writeFileSync(gate, '');
    await c.succeeded(22);
    const after = await doctor();
    expect(after.stdout.split('\n').slice(0, -2)).toEqual([
      `orphans      ${c.prefix}:left-behind: is under the prefix, but no part of cadenza names it`,
    ]);
    expect(after.code).toBe(1);
  }, 60_000);

  it('refuses a store it cannot open in one line, exit 2', async () => {
    const refused = await runCli(['doctor', '--redis', 'redis://127.0.0.1:1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^cadenza: .*\n$/);
    expect(refused.stdout).toBe('');
  });
});

describe('cadenza doctor --store', () => {
  it('reads the SQLite file of a running cadenza dev and finds nothing, with jobs waiting and done', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cadenza-doctor-dev-'));
    const store = `sqlite:${join(dir, 'cadenza.db')}`;
    const dev = await startDev(['--store', store, '--handlers', join(FIXTURE, 'handlers.mjs'), '--log-level', 'warn']);
    try {
      const done = await enqueue(dev, { name: 'ok', payload: { n: 1 } });
      await waitForStatus(dev, done, 'succeeded');
      await enqueue(dev, { name: 'ok', tenant: 'acme', delayMs: 3_600_000 });
      const report = await runCli(['doctor', '--store', store]);
      expect(report.stderr).toBe('');
      expect(report.stdout).toBe('no findings (checked 2 tenants, 2 jobs, 0 schedules)\n');
      expect(report.code).toBe(0);
    } finally {
      dev.proc.kill('SIGTERM');
      await dev.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
