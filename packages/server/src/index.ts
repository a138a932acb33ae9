// The public surface of @cadenza/server: each export named.
export { Grant, SCOPES, type Scope } from './auth/grant.js';
export { hashToken, newToken, parseTokens, type TokenEntry, TokenTable } from './auth/tokens.js';
export type { NodeInfo, NotReady } from './context.js';
export { type ErrorBody, INTERNAL_CODE } from './errors.js';
export { DEFAULT_MAX_LABEL_VALUES, OTHER_LABEL } from './metrics/bounded-values.js';
export { METRIC_NAMES, METRICS } from './metrics/catalog.js';
export { instrumentStore } from './metrics/instrument-store.js';
export { type JobLabels, ProcessMetrics, type ProcessMetricsOptions } from './metrics/process-metrics.js';
export { type JobJson, jobJson, type QueueJson, type ScheduleJson, scheduleJson } from './serialize.js';
export {
  BODY_SLACK_BYTES,
  createServer,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_MAX_BATCH_BODY_BYTES,
  DEFAULT_MAX_EVENT_BUFFER_BYTES,
  DEFAULT_MAX_EVENT_CLIENTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_REQUESTS_PER_SECOND,
  type ServerLimits,
  type ServerOptions,
  type ServerTimeouts,
} from './server.js';
export { DISCARD_LIMIT_FACTOR } from './unread-body.js';
