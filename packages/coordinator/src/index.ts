// The public surface of @cadenza/coordinator: each export named.
export { Coordinator, type CoordinatorEvents, type TickEvent } from './coordinator.js';
export type { FiredEvent } from './fire-schedules.js';
export type { StepDownReason } from './leadership.js';
export {
  type CoordinatorOptions,
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_MAX_FIRE_PAYLOAD_BYTES_PER_TICK,
  DEFAULT_MAX_FIRES_PER_TICK,
  DEFAULT_RETENTION,
} from './options.js';
export type { TickCounts } from './tick.js';
