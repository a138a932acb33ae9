import { type RetryOptions, type RetryPolicy, retry } from './retry.js';

/**
 * A standard (TC39, TypeScript 5+) method decorator that runs an async method through
 * `retry`:
 *
 *   class Mailer {
 *     @retryable({ maxAttempts: 3, backoff: { type: 'exponential', delayMs: 200 } })
 *     async send(message: Message, signal?: AbortSignal): Promise<void> { … }
 *   }
 *
 * Every attempt calls the original method with the same `this` and arguments. When the
 * last argument passed is an AbortSignal, it stops the retries (combined with
 * `options.signal` when both are given): a method that takes a signal thus gets
 * cancellation of its retries for free. Not for `experimentalDecorators`.
 */
export function retryable(policy: RetryPolicy, options: RetryOptions = {}) {
  return <This, Args extends unknown[], Result>(
    method: (this: This, ...args: Args) => Promise<Result>,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Promise<Result>>,
  ): ((this: This, ...args: Args) => Promise<Result>) => {
    if (context.kind !== 'method') {
      throw new TypeError(`@retryable decorates methods, not a ${String(context.kind)}`);
    }
    return function retried(this: This, ...args: Args): Promise<Result> {
      const signal = signalOf(args.at(-1), options.signal);
      return retry(() => method.apply(this, args), policy, signal === undefined ? options : { ...options, signal });
    };
  };
}

function signalOf(last: unknown, fromOptions: AbortSignal | undefined): AbortSignal | undefined {
  if (!(last instanceof AbortSignal)) return fromOptions;
  return fromOptions === undefined ? last : AbortSignal.any([last, fromOptions]);
}
