import { CadenzaError, createMemoryStore, type Fence, StaleEpochError, silentLogger } from '@cadenza/core';
import { newJob, seededRandom, spyStore } from '@cadenza/core/testing';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BoundedValues, OTHER_LABEL } from './bounded-values.js';
import { DURATION_BUCKETS, METRIC_NAMES, METRICS } from './catalog.js';
import { instrumentStore } from './instrument-store.js';
import { ProcessMetrics } from './process-metrics.js';

const metrics = () => new ProcessMetrics({ log: silentLogger() });

describe('BoundedValues', () => {
  it('keeps the first `max` distinct values, turns later ones into _other, and keeps admitted ones', () => {
    const names = new BoundedValues(2);
    expect(['a', 'b', 'c', 'a', 'd', 'b'].map((v) => names.label(v))).toEqual([
      'a',
      'b',
      OTHER_LABEL,
      'a',
      OTHER_LABEL,
      'b',
    ]);
  });
});

describe('ProcessMetrics', () => {
  it('bounds job names and tenants: past the bound, counts go to _other', async () => {
    const m = new ProcessMetrics({ log: silentLogger(), maxLabelValues: 2 });
    m.enqueued(['a', 'b', 'c', 'd'].map((name) => ({ name, tenant: 't' })));
    const text = await m.registry.metrics();
    expect(text).toContain('cadenza_jobs_enqueued_total{name="a",tenant="t"} 1');
    expect(text).toContain('cadenza_jobs_enqueued_total{name="b",tenant="t"} 1');
    expect(text).toContain(`cadenza_jobs_enqueued_total{name="${OTHER_LABEL}",tenant="t"} 2`);
  });

  it('measures wait from when the job was ready: its runAt when later than its creation', async () => {
    const m = metrics();
    m.started({ name: 'a', tenant: 't', createdAt: 1_000, runAt: 5_000 }, 5_250);
    m.started({ name: 'a', tenant: 't', createdAt: 1_000, runAt: undefined }, 3_000);
    const text = await m.registry.metrics();
    expect(text).toContain('cadenza_job_wait_seconds_sum{name="a",tenant="t"} 2.25');
    expect(text).toContain('cadenza_job_wait_seconds_count{name="a",tenant="t"} 2');
  });

  it("exposes a worker's job counts and durations as prom-client's own counters and histograms would, scrape after scrape", async () => {
    const m = metrics();
    // The same observations, made one by one on prom-client's own metrics.
    const reference = new Registry();
    const registers = [reference];
    const counter = (meta: { name: string; help: string; labelNames: readonly string[] }) =>
      new Counter({ ...meta, labelNames: [...meta.labelNames], registers });
    const started = counter(METRICS.jobsStarted);
    const succeeded = counter(METRICS.jobsSucceeded);
    const failed = counter(METRICS.jobsFailed);
    const retried = counter(METRICS.jobsRetried);
    const dead = counter(METRICS.jobsDead);
    const duration = new Histogram({
      ...METRICS.jobDuration,
      labelNames: [...METRICS.jobDuration.labelNames],
      buckets: DURATION_BUCKETS,
      registers,
    });
    const wait = new Histogram({
      ...METRICS.jobWait,
      labelNames: [...METRICS.jobWait.labelNames],
      buckets: DURATION_BUCKETS,
      registers,
    });
    const families: string[] = [
      METRICS.jobsStarted.name,
      METRICS.jobsSucceeded.name,
      METRICS.jobsFailed.name,
      METRICS.jobsRetried.name,
      METRICS.jobsDead.name,
      METRICS.jobDuration.name,
      METRICS.jobWait.name,
    ];
    const linesOf = (text: string) =>
      text
        .split('\n')
        .filter((line) => families.some((name) => line.startsWith(name) || line.includes(` ${name} `)))
        .sort();
    const random = seededRandom(7);
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 500; k++) {
        const labels = { name: `job${Math.floor(random() * 3)}`, tenant: `t${Math.floor(random() * 2)}` };
        const now = 10_000 + k;
        const createdAt = now - Math.floor(random() * 20_000);
        m.started({ ...labels, createdAt, runAt: undefined }, now);
        started.inc(labels);
        wait.observe(labels, (now - createdAt) / 1000);
        const ms = Math.floor(random() * 15_000);
        const outcome = random() < 0.8 ? 'succeeded' : 'failed';
        const willRetry = random() < 0.5;
        m.finished(labels, outcome, ms, willRetry);
        duration.observe({ ...labels, outcome }, ms / 1000);
        if (outcome === 'succeeded') succeeded.inc(labels);
        else {
          failed.inc(labels);
          (willRetry ? retried : dead).inc(labels);
        }
      }
      const ours = linesOf(await m.registry.metrics());
      expect(ours.length).toBeGreaterThan(100);
      expect(ours).toEqual(linesOf(await reference.metrics()));
    }
  });

  it('declares every metric of the catalog once a worker, a coordinator and event clients are watched', async () => {
    const m = metrics();
    m.watchEventClients(() => 0);
    m.watchWorker(() => ({ active: 0, concurrency: 1 }));
    m.watchCoordinator(createMemoryStore(), () => ({ leading: false, epoch: undefined }));
    const declared = [...(await m.registry.metrics()).matchAll(/^# HELP (cadenza_\S+) /gm)].map((x) => x[1]);
    expect(declared.sort()).toEqual([...METRIC_NAMES].sort());
  });
});

describe('instrumentStore', () => {
  it('times each call by method and counts failures by code, passing results and errors through', async () => {
    const m = metrics();
    const spy = spyStore(createMemoryStore());
    const fence: Fence = { nodeId: 'n', epoch: 1 };
    spy.overrides.promoteDelayed = () => Promise.reject(new StaleEpochError(1, 2));
    spy.overrides.getJob = () => Promise.reject(new CadenzaError('unavailable', 'down'));
    const store = instrumentStore(spy.store, m);
    const [created] = await store.enqueue([newJob({ id: 'j1' })], 0);
    expect(created?.id).toBe('j1');
    await store.depths();
    await store.depths();
    await expect(store.promoteDelayed(fence, 0, 10)).rejects.toBeInstanceOf(StaleEpochError);
    await expect(store.getJob('j1')).rejects.toThrow('down');
    const text = await m.registry.metrics();
    expect(text).toContain('cadenza_store_request_duration_seconds_count{method="enqueue"} 1');
    expect(text).toContain('cadenza_store_request_duration_seconds_count{method="depths"} 2');
    expect(text).toContain('cadenza_store_errors_total{method="promoteDelayed",code="stale_epoch"} 1');
    expect(text).toContain('cadenza_store_errors_total{method="getJob",code="unavailable"} 1');
    // subscribe and close are not round trips: passed through, never timed.
    store.subscribe(() => {})();
    expect(await m.registry.metrics()).not.toContain('method="subscribe"');
  });

  it('counts the jobs each creating call made in cadenza_jobs_enqueued_total: created ones, applied fires, triggers', async () => {
    const m = metrics();
    const spy = spyStore(createMemoryStore());
    const fence: Fence = { nodeId: 'n', epoch: 1 };
    const fire = (tenant: string, names: string[]) => ({
      tenant,
      scheduleId: 's',
      expectedNextFireAt: 0,
      jobs: names.map((name) => newJob({ tenant, name })),
      nextFireAt: undefined,
    });
    // The first fire applied (two jobs), the second not: another leader wrote it already.
    spy.overrides.recordFires = () =>
      Promise.resolve([
        { applied: true, jobIds: ['acme:1', 'acme:2'] },
        { applied: false, jobIds: [] },
      ]);
    spy.overrides.triggerSchedule = () => Promise.resolve({ ...newJob({ tenant: 'acme', name: 'digest' }) } as never);
    const store = instrumentStore(spy.store, m);
    await store.enqueue([newJob({ name: 'a', idempotencyKey: 'k' }), newJob({ name: 'b' })], 0);
    await store.enqueue([newJob({ name: 'a', idempotencyKey: 'k' })], 0);
    await store.recordFires(fence, [fire('acme', ['tick', 'tick']), fire('acme', ['tock'])], 0);
    await store.triggerSchedule('acme', 's', 0);
    const text = await m.registry.metrics();
    expect(text).toContain('cadenza_jobs_enqueued_total{name="a",tenant="acme"} 1');
    expect(text).toContain('cadenza_jobs_enqueued_total{name="b",tenant="acme"} 1');
    expect(text).toContain('cadenza_jobs_enqueued_total{name="tick",tenant="acme"} 2');
    expect(text).toContain('cadenza_jobs_enqueued_total{name="digest",tenant="acme"} 1');
    expect(text).not.toContain('name="tock"');
    // Reads create nothing.
    await store.listJobs({ limit: 10 });
    expect(await m.registry.metrics()).toContain('cadenza_jobs_enqueued_total{name="a",tenant="acme"} 1');
  });

  it('counts each job a cancel call canceled in cadenza_jobs_canceled_total, once; a refused cancel counts none', async () => {
    const m = metrics();
    const store = instrumentStore(createMemoryStore(), m);
    const job = newJob({ name: 'a' });
    await store.enqueue([job], 0);
    await store.cancel(job.id, 1);
    // Canceling it again is refused (it is final): nothing more is counted.
    await expect(store.cancel(job.id, 2)).rejects.toMatchObject({ code: 'conflict' });
    const text = await m.registry.metrics();
    expect(text).toContain('cadenza_jobs_canceled_total{name="a",tenant="acme"} 1');
    expect(text).toContain('cadenza_store_errors_total{method="cancel",code="conflict"} 1');
  });
});
