import {
  type CadenzaEvent,
  type EventLog,
  MemoryEventLog,
  type NewEvent,
  type ReadOptions,
  silentLogger,
} from '@cadenza/core';
import { describe, expect, it } from 'vitest';
import { EventFeed } from './event-feed.js';

/**
 * A memory event log that counts its reads (how many wait at once, at most), and may
 * answer its waiting reads `lagMs` late: the feed then lags behind what readers catching up
 * see, as a feed on Redis does between two blocking reads.
 */
class CountingLog implements EventLog {
  readonly inner = new MemoryEventLog(100_000);
  waiting = 0;
  mostWaiting = 0;
  reads = 0;
  failNext: Error | undefined;
  private idled: (() => void)[] = [];

  constructor(
    private readonly lagMs = 0,
    /** Every read starts this late: where "now" is, is known only once it answers. */
    private readonly startLagMs = 0,
  ) {}

  /** Resolves once no read waits. */
  idle(): Promise<void> {
    return this.waiting === 0 ? Promise.resolve() : new Promise((resolve) => this.idled.push(resolve));
  }

  append(events: readonly NewEvent[]): void {
    this.inner.append(events);
  }

  async read(after: string | undefined, options: ReadOptions) {
    this.reads += 1;
    if (this.startLagMs > 0) await new Promise((resolve) => setTimeout(resolve, this.startLagMs));
    if (this.failNext !== undefined && options.waitMs === 0) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    if (options.waitMs > 0) {
      this.waiting += 1;
      this.mostWaiting = Math.max(this.mostWaiting, this.waiting);
    }
    try {
      const answer = await this.inner.read(after, options);
      if (options.waitMs > 0 && this.lagMs > 0) await new Promise((resolve) => setTimeout(resolve, this.lagMs));
      return answer;
    } finally {
      if (options.waitMs > 0) this.waiting -= 1;
      if (this.waiting === 0) for (const resolve of this.idled.splice(0)) resolve();
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

const event = (i: number): NewEvent => ({ type: 'enqueued', at: i, tenant: 't', jobId: `j${i}` });

/** Collects what a reader gets; resolves `until` once it holds `count` events. */
function collector() {
  const got: CadenzaEvent[] = [];
  let wanted = Number.POSITIVE_INFINITY;
  let reached = () => {};
  return {
    got,
    listener: (events: readonly CadenzaEvent[]) => {
      got.push(...events);
      if (got.length >= wanted) reached();
    },
    until(count: number): Promise<void> {
      wanted = count;
      return got.length >= count ? Promise.resolve() : new Promise((resolve) => (reached = resolve));
    },
  };
}

const fail = (error: unknown) => {
  throw error;
};

describe('EventFeed', () => {
  it('serves many live readers from one waiting read, each getting every event in order', async () => {
    const log = new CountingLog();
    const feed = new EventFeed(log, { log: silentLogger(), waitMs: 200 });
    const readers = Array.from({ length: 50 }, () => collector());
    const subscriptions = readers.map((r) => feed.subscribe(undefined, r.listener, fail));
    // Let the feed's first read start "from now", then append in several ticks.
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 1; i <= 300; i++) {
      log.append([event(i)]);
      if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(readers.map((r) => r.until(300)));
    for (const r of readers) expect(r.got.map((e) => e.at)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(log.mostWaiting).toBe(1);
    for (const s of subscriptions) s.close();
    feed.close();
  });

  it('is ready once it knows where "now" is: a live reader then gets every event appended after', async () => {
    const log = new CountingLog(0, 5);
    const feed = new EventFeed(log, { log: silentLogger(), waitMs: 50 });
    const reader = collector();
    feed.subscribe(undefined, reader.listener, fail);
    await feed.ready();
    log.append([event(1)]);
    await reader.until(1);
    expect(reader.got.map((e) => e.at)).toEqual([1]);
    feed.close();
  });

  it('gives a reader resuming from an older id what it missed, then the live events, without gaps or repeats', async () => {
    const log = new CountingLog(3);
    const feed = new EventFeed(log, { log: silentLogger(), waitMs: 50, recent: 20, batch: 7 });
    const live = collector();
    const first = feed.subscribe(undefined, live.listener, fail);
    await new Promise((resolve) => setImmediate(resolve));
    // Events keep coming while readers join from every point of the past: catching up by
    // reads of their own, then meeting the feed inside its recent events or at its position.
    const joined: { after: number; reader: ReturnType<typeof collector> }[] = [];
    let appended = 0;
    for (let round = 0; round < 40; round++) {
      for (let k = 0; k < 5; k++) log.append([event(++appended)]);
      const after = Math.floor((appended * (round % 4)) / 4);
      const reader = collector();
      joined.push({ after, reader });
      feed.subscribe(String(after), reader.listener, fail);
      await new Promise((resolve) => setTimeout(resolve, round % 3));
    }
    for (let k = 0; k < 30; k++) log.append([event(++appended)]);
    await live.until(appended);
    await Promise.all(joined.map(({ after, reader }) => reader.until(appended - after)));
    for (const { after, reader } of joined) {
      const expected = Array.from({ length: appended - after }, (_, i) => after + i + 1);
      expect(reader.got.map((e) => e.at)).toEqual(expected);
    }
    first.close();
    feed.close();
  });

  it('stops reading when the last reader leaves, and starts again from now for the next', async () => {
    const log = new CountingLog();
    const feed = new EventFeed(log, { log: silentLogger(), waitMs: 20 });
    const a = collector();
    const sub = feed.subscribe(undefined, a.listener, fail);
    await new Promise((resolve) => setImmediate(resolve));
    log.append([event(1)]);
    await a.until(1);
    sub.close();
    expect(feed.size).toBe(0);
    // The read under way ends within its wait, and no other starts.
    await log.idle();
    await new Promise((resolve) => setImmediate(resolve));
    expect(feed.reading).toBe(false);
    const reads = log.reads;
    log.append([event(2)]);
    expect(log.reads).toBe(reads);
    const b = collector();
    feed.subscribe(undefined, b.listener, fail);
    await new Promise((resolve) => setImmediate(resolve));
    log.append([event(3)]);
    await b.until(1);
    expect(b.got.map((e) => e.at)).toEqual([3]);
    feed.close();
  });

  it('closes a reader whose listener throws, or whose catch-up read fails, and goes on for the others', async () => {
    const log = new CountingLog();
    const feed = new EventFeed(log, { log: silentLogger(), waitMs: 50 });
    const errors: unknown[] = [];
    const good = collector();
    feed.subscribe(undefined, good.listener, fail);
    feed.subscribe(
      undefined,
      () => {
        throw new Error('listener broke');
      },
      (error) => errors.push(error),
    );
    log.failNext = new Error('store down');
    feed.subscribe(
      '0',
      () => {},
      (error) => errors.push(error),
    );
    await new Promise((resolve) => setImmediate(resolve));
    log.append([event(1)]);
    log.append([event(2)]);
    await good.until(2);
    expect(errors.map((e) => (e as Error).message).sort()).toEqual(['listener broke', 'store down']);
    expect(feed.size).toBe(1);
    feed.close();
  });
});
