// STUB — replaced by the retry module's real implementation.
import type { BackoffPolicy } from '../model/job.js';

/** Delay before the attempt after `attempt` (1-based) failed. `random` in [0, 1). */
export function backoffDelay(_policy: BackoffPolicy, _attempt: number, _random?: () => number): number {
  throw new Error('not implemented');
}
