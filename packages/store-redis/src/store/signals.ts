import type { StoreSignal } from '@cadenza/core';
import type { RedisClient, RedisContext } from '../context.js';
import { signalChannel } from '../keys.js';

type Listener = (signal: StoreSignal) => void;

/** The longest a call waits for a subscription being set up (see `pending`). */
const SUBSCRIBE_WAIT_MS = 1000;

/**
 * Store signals across processes: scripts' notes are published on `<prefix>:signal`
 * (see script-notes.ts); listeners here hear them through ONE subscriber connection,
 * opened on first subscribe and closed when the last listener leaves. ioredis
 * reconnects it by itself and subscribes again.
 */
export class SignalListeners {
  private readonly listeners = new Set<Listener>();
  private subscriber: RedisClient | undefined;
  private subscribing: Promise<void> | undefined;
  private closed = false;
  /** A 'ready' this process tells itself later (see readyIn), and when. */
  private later: { timer: NodeJS.Timeout; at: number } | undefined;

  constructor(private readonly ctx: RedisContext) {}

  /**
   * Settles once a subscription asked for is in place: a call made after subscribe waits
   * for it, so that a listener hears the signals of writes made after it subscribed
   * (pub/sub drops what is published before SUBSCRIBE lands). Undefined when nothing waits.
   */
  get pending(): Promise<void> | undefined {
    return this.subscribing;
  }

  subscribe(listener: Listener): () => void {
    if (this.closed) return () => {};
    // A wrapper per subscription: one function subscribed twice is two subscriptions.
    const entry: Listener = (signal) => listener(signal);
    this.listeners.add(entry);
    if (this.subscriber === undefined) this.open();
    return () => {
      if (!this.listeners.delete(entry)) return;
      if (this.listeners.size === 0) void this.shut();
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    if (this.later !== undefined) clearTimeout(this.later.timer);
    this.later = undefined;
    await this.shut();
  }

  /**
   * Tells this process's listeners 'ready' in `ms` (the earliest such call wins): work
   * that only waits for time to pass (a tenant's rate-limit bucket refilling) is ready
   * then, and nobody publishes anything when it is.
   */
  readyIn(ms: number, now: number): void {
    if (this.closed || this.listeners.size === 0) return;
    const at = now + ms;
    if (this.later !== undefined && this.later.at <= at) return;
    if (this.later !== undefined) clearTimeout(this.later.timer);
    const timer = setTimeout(() => {
      this.later = undefined;
      this.deliver('ready');
    }, ms);
    timer.unref();
    this.later = { timer, at };
  }

  private open(): void {
    const channel = signalChannel(this.ctx.prefix);
    // A subscriber waits for messages as long as it lives: no command timeout.
    const subscriber = this.ctx.duplicate({ maxRetriesPerRequest: null, commandTimeout: undefined });
    this.subscriber = subscriber;
    // Faults show on the store's own calls; an unhandled 'error' event would end the process.
    subscriber.on('error', () => undefined);
    subscriber.on('message', (from: string, message: string) => {
      if (from === channel && (message === 'ready' || message === 'due')) this.deliver(message);
    });
    // Bounded: with Redis down, calls must fail as `unavailable`, not wait on this.
    const subscribing = Promise.race([
      subscriber.subscribe(channel).then(
        () => undefined,
        () => undefined,
      ),
      new Promise<void>((resolve) => setTimeout(resolve, SUBSCRIBE_WAIT_MS).unref()),
    ]);
    this.subscribing = subscribing;
    void subscribing.then(() => {
      if (this.subscribing === subscribing) this.subscribing = undefined;
    });
  }

  private async shut(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.subscribing = undefined;
    if (subscriber === undefined) return;
    await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private deliver(signal: StoreSignal): void {
    for (const listener of [...this.listeners]) {
      try {
        const result: unknown = listener(signal);
        if (result instanceof Promise) result.catch(() => undefined);
      } catch {
        // A broken listener must not break the others, nor the store.
      }
    }
  }
}
