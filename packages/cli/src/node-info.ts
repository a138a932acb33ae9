import type { Coordinator } from '@cadenza/coordinator';
import type { NodeInfo } from '@cadenza/server';
import type { Worker } from '@cadenza/worker';

// What `/v1/cluster` (and this process's reports to the store) tell of this process's
// worker and coordinator (dev runs both).

/** What a process tells of itself: `/v1/cluster`'s node, and why its worker claims nothing (readiness.ts). */
export type ProcessNode = Omit<NodeInfo, 'id' | 'role'> & { notClaiming?: () => string | undefined };

/** `concurrency` is the worker's `--concurrency`: the Worker keeps its options to itself. */
export function workerInfo(worker: Worker, concurrency: number): Pick<ProcessNode, 'worker' | 'notClaiming'> {
  return {
    worker: () => ({ active: worker.activeJobs.length, concurrency }),
    // `/readyz` of a worker: ready while it claims (readiness.ts decides).
    notClaiming: () => worker.notClaiming,
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
