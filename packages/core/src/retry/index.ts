// Retries with backoff: the delay formula the worker uses between a job's attempts, and
// an in-process `retry` (with a method decorator) for code that calls flaky services.
export { backoffDelay } from './backoff.js';
export { Backoff, Outage, STORE_RETRY } from './outage.js';
export { type RetryFn, type RetryOptions, type RetryPolicy, retry } from './retry.js';
export { retryable } from './retryable.js';
