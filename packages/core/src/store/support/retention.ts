import { invalidArgument } from '../../errors.js';
import type { RetentionPolicy } from '../store.js';

/**
 * For store implementations: the checks of `applyRetention`'s policy, made before any job
 * is deleted. Both limits are 0 or more; `Infinity` means no limit.
 */
export function checkRetentionPolicy(policy: RetentionPolicy): void {
  const ok = (n: unknown) => typeof n === 'number' && !Number.isNaN(n) && n >= 0;
  if (typeof policy !== 'object' || policy === null) throw invalidArgument('policy', policy, 'a retention policy');
  if (!ok(policy.maxAgeMs)) throw invalidArgument('maxAgeMs', policy.maxAgeMs, 'a number of ms, 0 or more');
  if (!ok(policy.maxCount)) throw invalidArgument('maxCount', policy.maxCount, 'a count, 0 or more (or Infinity)');
}
