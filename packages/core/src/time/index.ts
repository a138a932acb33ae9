// The time module's public surface: cron and zone handling stay behind these names.
export { describeTrigger } from './describe-trigger.js';
export { type FirePlan, isPaced, type PlanOptions, planFires } from './misfire.js';
export { nextFireAfter, nextFireTimes, normalizeTrigger } from './triggers.js';
export { nextFireOnUpsert } from './upsert.js';
