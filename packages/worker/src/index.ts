// The public surface of @cadenza/worker: each export named.

export type { WorkerEvents } from './events.js';
export { loadHandlersModule } from './load-handlers.js';
export type { WorkerOptions } from './options.js';
export { type AbortKind, JobAbortError } from './outcome.js';
export { HandlerRegistry, type ResolvedHandler } from './registry.js';
export { Worker } from './worker.js';
