import { isCadenzaError, StaleEpochError, type Store } from '@cadenza/core';
import { COUNTED_CALLS } from './counted-calls.js';
import type { ProcessMetrics } from './process-metrics.js';

/** Store members that are not round trips: never timed. */
const UNTIMED: ReadonlySet<PropertyKey> = new Set(['subscribe', 'close']);

/**
 * The same store, with every call timed into `cadenza_store_request_duration_seconds` and
 * every failure counted in `cadenza_store_errors_total`, by method; and every job it created
 * or canceled counted in `cadenza_jobs_enqueued_total` and `cadenza_jobs_canceled_total`
 * (counted-calls.ts), the one place those metrics are counted, so that a job is counted once
 * whichever path enqueued or canceled it. Generic over the Store
 * interface (a Proxy, not a list of methods), so that it works for every store and keeps
 * working when the interface grows; optional methods stay absent where the store lacks them.
 */
export function instrumentStore<S extends Store>(store: S, metrics: ProcessMetrics): S {
  const timed = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || typeof property !== 'string' || UNTIMED.has(property)) {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      let wrapper = timed.get(property);
      if (wrapper === undefined) {
        const method = value as (...args: unknown[]) => unknown;
        const counted = countOf(metrics, property);
        wrapper =
          counted === undefined
            ? (...args: unknown[]) => timeCall(metrics, property, () => method.apply(target, args))
            : (...args: unknown[]) =>
                timeCall(
                  metrics,
                  property,
                  () => method.apply(target, args),
                  (answer) => counted(args, answer),
                );
        timed.set(property, wrapper);
      }
      return wrapper;
    },
  });
}

/** What a successful call of `method` adds to the job counters, if anything (counted-calls.ts). */
function countOf(
  metrics: ProcessMetrics,
  method: string,
): ((args: readonly unknown[], answer: unknown) => void) | undefined {
  const count = Object.hasOwn(COUNTED_CALLS, method) ? COUNTED_CALLS[method] : undefined;
  return count === undefined ? undefined : (args, answer) => count(metrics, args, answer);
}

/** Times one call; `answered` is told the value of a call that succeeded. */
function timeCall(
  metrics: ProcessMetrics,
  method: string,
  call: () => unknown,
  answered?: (answer: unknown) => void,
): unknown {
  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    metrics.storeCall(method, seconds(), errorCode(error));
    throw error;
  }
  if (!(result instanceof Promise)) {
    answered?.(result);
    return result;
  }
  return result.then(
    (value: unknown) => {
      metrics.storeCall(method, seconds());
      answered?.(value);
      return value;
    },
    (error: unknown) => {
      metrics.storeCall(method, seconds(), errorCode(error));
      throw error;
    },
  );
}

/** A bounded set of codes: cadenza's own, `stale_epoch` (a fenced write refused), else `other`. */
function errorCode(error: unknown): string {
  if (error instanceof StaleEpochError) return 'stale_epoch';
  return isCadenzaError(error) ? error.code : 'other';
}
