// The public surface of @cadenza/worker: each export named.

export { type AbortKind, JobAbortError } from './attempt-outcome.js';
export type { WorkerEvents } from './events.js';
export { loadHandlersModule } from './load-handlers.js';
export type { WorkerOptions } from './options.js';
export { HandlerRegistry, type ResolvedHandler } from './registry.js';
export { Worker } from './worker.js';
