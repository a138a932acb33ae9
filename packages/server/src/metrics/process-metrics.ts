import { type Clock, type Job, type Logger, realClock, type Store } from '@cadenza/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { BoundedValues, DEFAULT_MAX_LABEL_VALUES } from './bounded-values.js';
import { DURATION_BUCKETS, LAG_BUCKETS, METRICS, STORE_BUCKETS } from './catalog.js';
import { type CountedField, JobHistogram, JobSeries } from './job-series.js';

/** What a job metric is labelled by. */
export type JobLabels = Pick<Job, 'name' | 'tenant'>;

export interface ProcessMetricsOptions {
  /** Put on every series of this process (cadenza sets `node`, its --id). */
  labels?: Record<string, string>;
  log: Logger;
  /** Distinct job names, and distinct tenants, kept as labels before `_other`; default 100. */
  maxLabelValues?: number;
  /** For reading the store's registry of live processes at a scrape; default the real clock. */
  clock?: Clock;
}

/**
 * The Prometheus metrics of one cadenza process, in a Registry of its own (tests run
 * several processes' worth in one Node process; they must never share or clash). The
 * engine, worker and coordinator know nothing of Prometheus: the CLI subscribes to their
 * events and calls the recording methods here. Counters and histograms are registered up
 * front (so every process lists the same families); gauges read live state at each
 * scrape and are registered by the `watch…` method of the role that has that state.
 */
export class ProcessMetrics {
  readonly registry = new Registry();
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly names: BoundedValues;
  private readonly tenants: BoundedValues;
  private readonly enqueuedTotal: Counter;
  private readonly canceledTotal: Counter;
  /** A worker's per-job counts, by name then tenant (job-series.ts). */
  private readonly jobs = new Map<string, Map<string, JobSeries>>();
  private readonly duration: JobHistogram;
  private readonly wait: JobHistogram;
  private readonly fireLag: Histogram;
  private readonly recoveries: Counter;
  private readonly storeDuration: Histogram;
  private readonly storeErrors: Counter;
  private readonly requests: Counter;
  private readonly eventClientsDropped: Counter;

  constructor(options: ProcessMetricsOptions) {
    this.log = options.log;
    this.clock = options.clock ?? realClock;
    const max = options.maxLabelValues ?? DEFAULT_MAX_LABEL_VALUES;
    this.names = new BoundedValues(max);
    this.tenants = new BoundedValues(max);
    this.registry.setDefaultLabels(options.labels ?? {});
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const counter = (m: { name: string; help: string; labelNames: readonly string[] }) =>
      new Counter({ ...m, labelNames: [...m.labelNames], registers });
    const histogram = (m: { name: string; help: string; labelNames: readonly string[] }, buckets: number[]) =>
      new Histogram({ ...m, labelNames: [...m.labelNames], buckets, registers });
    this.enqueuedTotal = counter(METRICS.jobsEnqueued);
    // A worker's job counters are poured in from the job series at each scrape.
    const jobs = this.jobs;
    const poured = (m: { name: string; help: string; labelNames: readonly string[] }, field: CountedField) =>
      new Counter({
        ...m,
        labelNames: [...m.labelNames],
        registers,
        collect() {
          for (const byTenant of jobs.values()) {
            for (const series of byTenant.values()) {
              if (series[field] === 0) continue;
              this.inc(series.labels, series[field]);
              series[field] = 0;
            }
          }
        },
      });
    poured(METRICS.jobsStarted, 'started');
    poured(METRICS.jobsSucceeded, 'succeeded');
    poured(METRICS.jobsFailed, 'failed');
    poured(METRICS.jobsRetried, 'retried');
    poured(METRICS.jobsDead, 'dead');
    this.canceledTotal = counter(METRICS.jobsCanceled);
    this.duration = new JobHistogram(
      METRICS.jobDuration.name,
      METRICS.jobDuration.help,
      DURATION_BUCKETS,
      this.registry,
    );
    this.wait = new JobHistogram(METRICS.jobWait.name, METRICS.jobWait.help, DURATION_BUCKETS, this.registry);
    this.fireLag = histogram(METRICS.fireLag, LAG_BUCKETS);
    this.recoveries = counter(METRICS.leaseRecoveries);
    this.storeDuration = histogram(METRICS.storeDuration, STORE_BUCKETS);
    this.storeErrors = counter(METRICS.storeErrors);
    this.requests = counter(METRICS.httpRequests);
    this.eventClientsDropped = counter(METRICS.eventClientsDropped);
  }

  /** `name` and `tenant` of a job, each within its cardinality bound. */
  private labels(job: JobLabels): { name: string; tenant: string } {
    return { name: this.names.label(job.name), tenant: this.tenants.label(job.tenant) };
  }

  enqueued(jobs: readonly JobLabels[]): void {
    for (const job of jobs) this.enqueuedTotal.inc(this.labels(job));
  }

  canceled(job: JobLabels): void {
    this.canceledTotal.inc(this.labels(job));
  }

  /** The counts of a job's (name, tenant), each label within its bound. */
  private seriesOf(job: JobLabels): JobSeries {
    const name = this.names.label(job.name);
    const tenant = this.tenants.label(job.tenant);
    let byTenant = this.jobs.get(name);
    if (byTenant === undefined) {
      byTenant = new Map();
      this.jobs.set(name, byTenant);
    }
    let series = byTenant.get(tenant);
    if (series === undefined) {
      series = new JobSeries({ name, tenant });
      byTenant.set(tenant, series);
    }
    return series;
  }

  /** An attempt started at `now` (epoch ms); it waited since the job became ready. */
  started(job: Pick<Job, 'name' | 'tenant' | 'createdAt' | 'runAt'>, now: number): void {
    const series = this.seriesOf(job);
    series.started++;
    series.wait ??= this.wait.distribution(`${series.labels.name}\n${series.labels.tenant}`, series.labels);
    const readyAt = Math.max(job.createdAt, job.runAt ?? job.createdAt);
    series.wait.observe(Math.max(0, now - readyAt) / 1000);
  }

  /** An attempt ended and its outcome was written; `willRetry` when a failed one runs again. */
  finished(job: JobLabels, outcome: 'succeeded' | 'failed', durationMs: number, willRetry: boolean): void {
    const series = this.seriesOf(job);
    const { name, tenant } = series.labels;
    if (outcome === 'succeeded') {
      series.succeeded++;
      series.succeededDuration ??= this.duration.distribution(`${name}\n${tenant}\nsucceeded`, {
        name,
        tenant,
        outcome,
      });
      series.succeededDuration.observe(durationMs / 1000);
    } else {
      series.failed++;
      if (willRetry) series.retried++;
      else series.dead++;
      series.failedDuration ??= this.duration.distribution(`${name}\n${tenant}\nfailed`, { name, tenant, outcome });
      series.failedDuration.observe(durationMs / 1000);
    }
  }

  /** One sample per fire: how late (ms) each was written. */
  fired(lagsMs: readonly number[]): void {
    for (const lag of lagsMs) this.fireLag.observe(Math.max(0, lag) / 1000);
  }

  leasesRecovered(requeued: number, failed: number): void {
    if (requeued > 0) this.recoveries.inc({ outcome: 'requeued' }, requeued);
    if (failed > 0) this.recoveries.inc({ outcome: 'failed' }, failed);
  }

  request(method: string, route: string, status: number): void {
    this.requests.inc({ method, route, status: String(status) });
  }

  /** One store call: its round trip, and the error code when it failed. */
  storeCall(method: string, seconds: number, errorCode?: string): void {
    this.storeDuration.observe({ method }, seconds);
    if (errorCode !== undefined) this.storeErrors.inc({ method, code: errorCode });
  }

  /** A client of GET /v1/events was dropped for not reading. */
  eventClientDropped(): void {
    this.eventClientsDropped.inc();
  }

  /** The gauge of a server's SSE clients: how many read GET /v1/events now. */
  watchEventClients(count: () => number): void {
    new Gauge({
      ...METRICS.eventClients,
      labelNames: [],
      registers: [this.registry],
      collect() {
        this.set(count());
      },
    });
  }

  /** A worker's gauges: jobs held now and its concurrency. */
  watchWorker(state: () => { active: number; concurrency?: number }): void {
    const registers = [this.registry];
    new Gauge({
      ...METRICS.jobsActive,
      labelNames: [],
      registers,
      collect() {
        this.set(state().active);
      },
    });
    new Gauge({
      ...METRICS.workerConcurrency,
      labelNames: [],
      registers,
      collect() {
        const { concurrency } = state();
        if (concurrency !== undefined) this.set(concurrency);
      },
    });
  }

  /**
   * A coordinator's gauges: whether it leads; while it does, its epoch, the store's queue
   * depths and its live processes by role (cluster-wide figures, so only the leader
   * reports them and sum() over every process counts each once).
   */
  watchCoordinator(store: Store, state: () => { leading: boolean; epoch: number | undefined }): void {
    const registers = [this.registry];
    const { log, clock } = this;
    new Gauge({
      ...METRICS.leader,
      labelNames: [],
      registers,
      collect() {
        this.set(state().leading ? 1 : 0);
      },
    });
    new Gauge({
      ...METRICS.leaderEpoch,
      labelNames: [],
      registers,
      collect() {
        this.reset();
        const { leading, epoch } = state();
        if (leading && epoch !== undefined) this.set(epoch);
      },
    });
    new Gauge({
      ...METRICS.queueDepth,
      labelNames: [...METRICS.queueDepth.labelNames],
      registers,
      async collect() {
        this.reset();
        if (!state().leading) return;
        try {
          for (const depth of await store.depths()) {
            const labels = { tenant: depth.tenant, priority: String(depth.priority), state: depth.status };
            this.set(labels, depth.count);
          }
        } catch (error) {
          // A scrape while the store is down still shows everything else.
          log.warn({ err: error }, 'metrics: could not read queue depths');
        }
      },
    });
    new Gauge({
      ...METRICS.clusterNodes,
      labelNames: [...METRICS.clusterNodes.labelNames],
      registers,
      async collect() {
        this.reset();
        if (!state().leading || store.listNodes === undefined) return;
        try {
          const byRole = new Map<string, number>();
          for (const node of await store.listNodes(clock.now()))
            byRole.set(node.role, (byRole.get(node.role) ?? 0) + 1);
          for (const [role, count] of byRole) this.set({ role }, count);
        } catch (error) {
          log.warn({ err: error }, 'metrics: could not read the live processes');
        }
      },
    });
  }
}
