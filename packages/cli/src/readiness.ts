import type { NotReady } from '@cadenza/server';
import type { ProcessNode } from './node-info.js';

/**
 * The one place a cadenza process decides whether it takes work, beyond what every process
 * shares (its store answers; with a coordinator, a leader is known: packages/server's
 * health route). From the first shutdown signal on it is stopping, and says how many jobs
 * it still waits for; otherwise a worker is ready while it claims.
 */
export function readiness(stopping: boolean, node: Pick<ProcessNode, 'worker' | 'notClaiming'>): NotReady | undefined {
  if (stopping) return { status: 'stopping', message: stoppingMessage(node.worker?.().active) };
  const notClaiming = node.notClaiming?.();
  return notClaiming === undefined ? undefined : { status: 'unavailable', message: notClaiming };
}

function stoppingMessage(active: number | undefined): string {
  if (active === undefined || active === 0) return 'shutting down';
  return `shutting down: waiting for ${active} running job${active === 1 ? '' : 's'}`;
}
