import { type CadenzaEvent, type Clock, type EventLog, type Logger, realClock, sleepOn } from '@cadenza/core';

/** Events handed to a reader at once: in log order, never empty. */
export type FeedListener = (events: readonly CadenzaEvent[]) => void;

export interface FeedReader {
  /** Stops delivery to this reader (idempotent). */
  close(): void;
}

export interface EventFeedOptions {
  log: Logger;
  /** Whose timers pace the retries after a failed read (default: real time). */
  clock?: Pick<Clock, 'setTimeout'>;
  /** Recent events kept in memory, so that readers resuming from one of them join without a read. Default 2,000. */
  recent?: number;
  /** Longest wait of one blocking read. Default 5,000 ms. */
  waitMs?: number;
  /** After a failed read, how long to wait before the next. Default 1,000 ms. */
  retryMs?: number;
  /** Events per read. Default 500. */
  batch?: number;
}

interface Reader {
  listener: FeedListener;
  onError: (error: unknown) => void;
  /** Live readers get each batch as the feed reads it; the others are still catching up. */
  live: boolean;
  closed: boolean;
}

/**
 * One reader of an event log, shared by every SSE client of this process: one blocking
 * read at a time (on Redis, one connection) however many clients listen.
 *
 *   subscribe(after = undefined) ──────────────────────────────▶ live
 *   subscribe(after = ID) ─▶ catching up ─(reached the feed)──▶ live
 *
 * Live readers get every batch the feed reads, in order. A reader resuming from an older
 * id catches up with reads of its own that do not block (on Redis, on the store's shared
 * connection), then joins: when its position is one of the recent events the feed has
 * delivered, it is handed the ones after it and turns live; when its position is the
 * feed's, it turns live. Both checks and the turn happen between two batches of the feed,
 * so nothing is missed or delivered twice. When the log has nothing after its position
 * but the feed has not got there (it reads less often), the reader waits for the feed's
 * next read and looks again.
 *
 * Event ids are compared only for equality: their order is the log's business.
 *
 * The feed reads while anyone listens; after the last reader leaves it ends after its
 * read under way, and starts again "from now" on the next subscribe.
 */
export class EventFeed {
  private readonly readers = new Set<Reader>();
  private readonly recentMax: number;
  private readonly waitMs: number;
  private readonly retryMs: number;
  private readonly batch: number;
  /** The feed's last batches: a contiguous run of the log that ends at `cursor`. */
  private recent: CadenzaEvent[] = [];
  /** Position of each recent event in `recent`, plus `dropped`. */
  private readonly positions = new Map<string, number>();
  private dropped = 0;
  /** Where the feed's next read starts; undefined before its first read ("from now"). */
  private cursor: string | undefined;
  private running = false;
  private closed = false;
  private readonly stop = new AbortController();
  /** Settles after each read of the feed (with or without events, or a failure). */
  private turn = deferred();

  constructor(
    private readonly events: EventLog,
    private readonly options: EventFeedOptions,
  ) {
    this.recentMax = options.recent ?? 2_000;
    this.waitMs = options.waitMs ?? 5_000;
    this.retryMs = options.retryMs ?? 1_000;
    this.batch = options.batch ?? 500;
  }

  /** Whether the feed reads now (it does while anyone listens, and ends its last read after). */
  get reading(): boolean {
    return this.running;
  }

  /** Readers now, live or catching up. */
  get size(): number {
    return this.readers.size;
  }

  /**
   * Delivers the events after `after` (undefined: from now on; `0`: from the oldest kept)
   * to `listener` until closed. `onError` is told when a catch-up read fails or the
   * listener throws; the reader is closed then.
   */
  subscribe(after: string | undefined, listener: FeedListener, onError: (error: unknown) => void): FeedReader {
    const reader: Reader = { listener, onError, live: after === undefined, closed: false };
    this.readers.add(reader);
    this.start();
    if (after !== undefined) void this.catchUp(reader, after);
    return {
      close: () => {
        reader.closed = true;
        this.readers.delete(reader);
      },
    };
  }

  /**
   * Resolves once the feed knows where it reads from (after its first read of a run, or
   * after that read failed): a live reader then gets every event appended from here on.
   */
  ready(): Promise<void> {
    return this.cursor === undefined && this.running ? this.turn.promise : Promise.resolve();
  }

  /** Ends the read under way and every reader. */
  close(): void {
    this.closed = true;
    this.stop.abort();
    for (const reader of this.readers) reader.closed = true;
    this.readers.clear();
  }

  private start(): void {
    if (this.running || this.closed) return;
    this.running = true;
    // A new run starts from now: what it remembers must join up with where it reads.
    this.cursor = undefined;
    this.recent = [];
    this.positions.clear();
    this.dropped = 0;
    void this.run();
  }

  private async run(): Promise<void> {
    while (this.readers.size > 0 && !this.closed) {
      try {
        // The first read of a run does not wait: it fixes where "now" is, so that a reader
        // told the feed is ready misses nothing appended after.
        const { events, last } = await this.events.read(this.cursor, {
          limit: this.batch,
          waitMs: this.cursor === undefined ? 0 : this.waitMs,
          signal: this.stop.signal,
        });
        this.cursor = last;
        if (events.length > 0) {
          this.remember(events);
          for (const reader of this.readers) if (reader.live) this.deliver(reader, events);
        }
      } catch (error) {
        if (this.closed) break;
        this.options.log.warn(
          { err: error },
          `events: reading the event log failed; trying again in ${this.retryMs} ms`,
        );
        // Ends early (rejected) when the feed closes.
        await sleepOn(this.options.clock ?? realClock, this.retryMs, this.stop.signal).catch(() => undefined);
      }
      this.nextTurn();
    }
    this.running = false;
    this.nextTurn();
  }

  private async catchUp(reader: Reader, after: string): Promise<void> {
    let position = after;
    try {
      while (!reader.closed) {
        const at = this.positions.get(position);
        if (at !== undefined) {
          const missed = this.recent.slice(at - this.dropped + 1);
          if (missed.length > 0) this.deliver(reader, missed);
          reader.live = true;
          return;
        }
        if (position === this.cursor) {
          reader.live = true;
          return;
        }
        // Taken before reading, so that a batch of the feed that lands meanwhile is not waited for.
        const turn = this.turn.promise;
        const { events, last } = await this.events.read(position, { limit: this.batch, waitMs: 0 });
        if (reader.closed) return;
        position = last;
        if (events.length > 0) this.deliver(reader, events);
        else await turn;
      }
    } catch (error) {
      this.fail(reader, error);
    }
  }

  /** A reader whose listener throws is closed: it must not stop the others. */
  private deliver(reader: Reader, events: readonly CadenzaEvent[]): void {
    try {
      reader.listener(events);
    } catch (error) {
      this.fail(reader, error);
    }
  }

  private fail(reader: Reader, error: unknown): void {
    if (reader.closed) return;
    reader.closed = true;
    this.readers.delete(reader);
    reader.onError(error);
  }

  private remember(events: readonly CadenzaEvent[]): void {
    for (const event of events) {
      this.positions.set(event.id, this.dropped + this.recent.length);
      this.recent.push(event);
    }
    const excess = this.recent.length - this.recentMax;
    if (excess > 0) {
      for (const event of this.recent.splice(0, excess)) this.positions.delete(event.id);
      this.dropped += excess;
    }
  }

  private nextTurn(): void {
    const done = this.turn;
    this.turn = deferred();
    done.resolve();
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
