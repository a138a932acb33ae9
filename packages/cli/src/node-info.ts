import type { Coordinator } from '@cadenza/coordinator';
import type { NodeInfo } from '@cadenza/server';
import type { Worker } from '@cadenza/worker';

// What `/v1/cluster` (and this process's reports to the store) tell of this process's
// worker and coordinator (dev runs both).

/** `concurrency` is the worker's `--concurrency`: the Worker keeps its options to itself. */
export function workerInfo(worker: Worker, concurrency: number): Pick<NodeInfo, 'worker' | 'notReady'> {
  return {
    worker: () => ({ active: worker.activeJobs.length, concurrency }),
    // `/readyz` of a worker: ready while it claims.
    notReady: () => worker.notClaiming,
  };
}

export function coordinatorInfo(coordinator: Coordinator): Pick<NodeInfo, 'coordinator'> {
  return {
    coordinator: () => {
      const at = coordinator.lastTickAt;
      return at === undefined ? {} : { lastTickAt: new Date(at).toISOString() };
    },
  };
}
