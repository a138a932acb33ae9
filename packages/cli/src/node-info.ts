import type { Coordinator } from '@cadenza/coordinator';
import type { NodeInfo } from '@cadenza/server';
import type { Worker } from '@cadenza/worker';

// What `/v1/cluster` tells of this process's worker and coordinator (dev runs both).

export function workerInfo(worker: Worker): Pick<NodeInfo, 'worker'> {
  return { worker: () => ({ active: worker.activeJobs.length }) };
}

export function coordinatorInfo(coordinator: Coordinator): Pick<NodeInfo, 'coordinator'> {
  return {
    coordinator: () => {
      const at = coordinator.lastTickAt;
      return at === undefined ? {} : { lastTickAt: new Date(at).toISOString() };
    },
  };
}
