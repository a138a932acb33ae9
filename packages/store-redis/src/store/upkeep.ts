// The leading coordinator's upkeep, one file per method.
export { releaseDependents } from './dependents.js';
export { nextDueAt } from './next-due.js';
export { promoteDelayed } from './promote.js';
export { recoverExpiredLeases } from './recover.js';
export { applyRetention } from './retention.js';
