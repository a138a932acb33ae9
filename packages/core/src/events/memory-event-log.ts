import type { CadenzaEvent, NewEvent } from './event.js';
import type { EventLog, ReadOptions } from './event-log.js';

/**
 * The event log of a local store (one process): the last `capacity` events in memory, ids
 * counting up from 1. Readers waiting for events are woken by the next append.
 */
export class MemoryEventLog implements EventLog {
  private readonly kept: CadenzaEvent[] = [];
  private next = 1;
  private waiting = new Set<() => void>();

  constructor(private readonly capacity = 10_000) {}

  append(events: readonly NewEvent[]): void {
    if (events.length === 0) return;
    for (const event of events) this.kept.push({ ...event, id: String(this.next++) });
    if (this.kept.length > this.capacity) this.kept.splice(0, this.kept.length - this.capacity);
    const woken = this.waiting;
    this.waiting = new Set();
    for (const wake of woken) wake();
  }

  async read(after: string | undefined, options: ReadOptions): Promise<{ events: CadenzaEvent[]; last: string }> {
    const from = after === undefined ? this.next - 1 : Number(after);
    if (!Number.isSafeInteger(from) || from < 0) throw new RangeError(`an event id: got ${JSON.stringify(after)}`);
    let events = this.after(from, options.limit);
    if (events.length === 0 && options.waitMs > 0 && options.signal?.aborted !== true) {
      await this.wait(options.waitMs, options.signal);
      events = this.after(from, options.limit);
    }
    return { events, last: events.at(-1)?.id ?? String(from) };
  }

  async close(): Promise<void> {
    for (const wake of this.waiting) wake();
    this.waiting.clear();
  }

  private after(from: number, limit: number): CadenzaEvent[] {
    const first = this.kept.findIndex((event) => Number(event.id) > from);
    return first < 0 ? [] : this.kept.slice(first, first + limit);
  }

  private wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.waiting.add(done);
    });
  }
}
