import type { Coordinator } from '@cadenza/coordinator';
import { realClock, type Store } from '@cadenza/core';
import type { ProcessMetrics } from '@cadenza/server';
import type { Worker } from '@cadenza/worker';

// The worker and the coordinator know nothing of Prometheus: their events are turned into
// metrics here, in the one package that depends on both them and the server's metrics.

/** A worker's attempts into the job counters and histograms, and its gauges; returns an unsubscribe. */
export function recordWorker(worker: Worker, concurrency: number, metrics: ProcessMetrics): () => void {
  metrics.watchWorker(() => ({ active: worker.activeJobs.length, concurrency }));
  const offs = [
    worker.on('started', ({ job }) => metrics.started(job, realClock.now())),
    worker.on('succeeded', ({ job, durationMs }) => metrics.finished(job, 'succeeded', durationMs, false)),
    worker.on('failed', ({ job, durationMs, retryAt }) =>
      metrics.finished(job, 'failed', durationMs, retryAt !== undefined),
    ),
  ];
  return () => {
    for (const off of offs) off();
  };
}

/**
 * A coordinator's fires (one lag sample per fire), lease recoveries, leadership, and — while
 * it leads — the cluster's queue depths. The jobs its fires create are counted at the store
 * the process instruments (the server's instrumentStore), like every other job created.
 */
export function recordCoordinator(coordinator: Coordinator, store: Store, metrics: ProcessMetrics): () => void {
  metrics.watchCoordinator(store, () => ({ leading: coordinator.isLeader, epoch: coordinator.leadership?.epoch }));
  const offs = [
    coordinator.on('fired', (fired) => metrics.fired(fired.scheduledFor.map((at) => fired.at - at))),
    coordinator.on('tick', (tick) => metrics.leasesRecovered(tick.requeued, tick.expired)),
  ];
  return () => {
    for (const off of offs) off();
  };
}
