import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/fake-clock.js';
import type { RetryOptions, RetryPolicy } from './retry.js';
import { retryable } from './retryable.js';

/**
 * Vitest's transformer (oxc, through Vite 8) does not lower standard decorators, and Node
 * 20 cannot parse `@retryable` itself; so these tests apply the decorator as the language
 * does: call it with the method and a ClassMethodDecoratorContext, install the result.
 * (`tsc` compiles the `@retryable(...)` syntax itself; see the JSDoc example.)
 */
function decorate<T extends object>(
  cls: { prototype: T },
  name: keyof T & string,
  decorator: ReturnType<typeof retryable>,
): void {
  const proto = cls.prototype as Record<string, unknown>;
  const method = proto[name] as (this: unknown, ...args: unknown[]) => Promise<unknown>;
  const context = {
    kind: 'method',
    name,
    static: false,
    private: false,
    metadata: {},
    access: { has: (o: object) => name in o, get: (o: Record<string, unknown>) => o[name] },
    addInitializer: () => {},
  } as unknown as ClassMethodDecoratorContext<unknown, (this: unknown, ...args: unknown[]) => Promise<unknown>>;
  proto[name] = decorator(method, context);
}

const START = Date.UTC(2026, 0, 1);
const policy: RetryPolicy = { maxAttempts: 3, backoff: { type: 'linear', delayMs: 100 } };

function makeClient(clock: FakeClock, failures: number, options: RetryOptions = {}) {
  class Client {
    calls: { at: number; args: unknown[]; self: unknown }[] = [];
    constructor(readonly label: string) {}
    async fetch(id: number, signal?: AbortSignal): Promise<string> {
      this.calls.push({ at: clock.now() - START, args: [id, signal], self: this });
      if (this.calls.length <= failures) throw new Error(`failure ${this.calls.length}`);
      return `${this.label}:${id}`;
    }
  }
  decorate(Client, 'fetch', retryable(policy, { clock, ...options }));
  return new Client('c');
}

describe('@retryable', () => {
  it('retries the method with the same this and arguments, on the backoff', async () => {
    const clock = new FakeClock(START);
    const client = makeClient(clock, 2);
    const result = client.fetch(7);
    await clock.advance(300);
    await expect(result).resolves.toBe('c:7');
    expect(client.calls.map((c) => c.at)).toEqual([0, 100, 300]);
    expect(client.calls.every((c) => c.self === client && c.args[0] === 7)).toBe(true);
  });

  it('rethrows the last error when attempts are spent', async () => {
    const clock = new FakeClock(START);
    const client = makeClient(clock, 10);
    const result = client.fetch(1).catch((error: unknown) => error);
    await clock.advance(1000);
    expect(await result).toMatchObject({ message: 'failure 3' });
    expect(client.calls).toHaveLength(3);
  });

  it('stops when an AbortSignal passed as the last argument aborts', async () => {
    const clock = new FakeClock(START);
    const client = makeClient(clock, 10);
    const controller = new AbortController();
    const result = client.fetch(1, controller.signal).catch((error: unknown) => error);
    await clock.advance(50);
    controller.abort('stop');
    expect(await result).toBe('stop');
    await clock.advance(1000);
    expect(client.calls).toHaveLength(1);
    expect(client.calls[0]?.args[1]).toBe(controller.signal);
  });

  it('also stops on options.signal, combined with the argument signal', async () => {
    const clock = new FakeClock(START);
    const fromOptions = new AbortController();
    const client = makeClient(clock, 10, { signal: fromOptions.signal });
    const result = client.fetch(1, new AbortController().signal).catch((error: unknown) => error);
    await clock.advance(50);
    fromOptions.abort('options');
    expect(await result).toBe('options');
  });

  it('honours shouldRetry from the options', async () => {
    const clock = new FakeClock(START);
    const client = makeClient(clock, 10, { shouldRetry: () => false });
    await expect(client.fetch(1)).rejects.toThrow('failure 1');
    expect(client.calls).toHaveLength(1);
  });

  it('refuses to decorate anything but a method', () => {
    const context = { kind: 'getter', name: 'x' } as unknown as ClassMethodDecoratorContext;
    expect(() => retryable(policy)(async () => 1, context)).toThrow(/decorates methods, not a getter/);
  });
});
