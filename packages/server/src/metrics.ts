import type { EnqueueResult, Logger, NewJob, Store } from '@cadenza/core';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/**
 * The server's Prometheus metrics, in a Registry of its own (so that two servers in one
 * process, as in tests, never share or clash): Node's default process metrics, jobs
 * enqueued by tenant, HTTP requests by route and status, and the store's job counts,
 * read at each scrape.
 */
export interface ServerMetrics {
  registry: Registry;
  /** Counts the jobs of `jobs` whose result says they were created. */
  enqueued(jobs: readonly NewJob[], results: readonly EnqueueResult[]): void;
  request(method: string, route: string, status: number): void;
}

export function createMetrics(store: Store, log: Logger, labels: Record<string, string> = {}): ServerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });

  const enqueuedTotal = new Counter({
    name: 'cadenza_jobs_enqueued_total',
    help: 'Jobs created through the HTTP API, by tenant (a repeated idempotency key creates none).',
    labelNames: ['tenant'],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'cadenza_http_requests_total',
    help: 'HTTP requests answered, by method, route and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  new Gauge({
    name: 'cadenza_jobs',
    help: 'Jobs kept by the store, by tenant, priority and status (read at each scrape).',
    labelNames: ['tenant', 'priority', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const depth of await store.depths()) {
          this.set({ tenant: depth.tenant, priority: String(depth.priority), status: depth.status }, depth.count);
        }
      } catch (error) {
        // A scrape while the store is down still shows the process metrics.
        log.warn({ err: error }, 'metrics: could not read queue depths');
      }
    },
  });

  return {
    registry,
    enqueued(jobs, results) {
      results.forEach((result, i) => {
        const job = jobs[i];
        if (result.created && job !== undefined) enqueuedTotal.inc({ tenant: job.tenant });
      });
    },
    request(method, route, status) {
      requests.inc({ method, route, status: String(status) });
    },
  };
}
