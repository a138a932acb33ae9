import type { CadenzaEvent, NewEvent } from './event.js';

export interface ReadOptions {
  /** At most this many events. */
  limit: number;
  /** When none are there yet, wait up to this long for some (0: answer at once). */
  waitMs: number;
  signal?: AbortSignal;
}

/**
 * A bounded log of events (docs/operations.md "Events"): Redis keeps it as a stream, local stores in
 * memory. Appending is best effort and never holds up the store call it follows: a write
 * that fails is reported and dropped, and an event can be missing after a crash between a
 * store call and its append. Readers resume from an event's id.
 */
export interface EventLog {
  /** Appends events of one store call (kept together, in order); never throws. */
  append(events: readonly NewEvent[]): void;
  /**
   * Events after the one with id `after`, oldest first. `after` undefined: only events
   * appended from now on; `'0'`: from the oldest still kept. An id older than what is kept
   * reads from the oldest kept.
   */
  read(after: string | undefined, options: ReadOptions): Promise<{ events: CadenzaEvent[]; last: string }>;
  close(): Promise<void>;
}

/**
 * Events one after another from `after` (see EventLog.read), waiting for more as they come,
 * until `signal` aborts (then it ends without an error).
 */
export async function* subscribe(
  log: EventLog,
  options: { after?: string; signal?: AbortSignal; waitMs?: number } = {},
): AsyncGenerator<CadenzaEvent> {
  let after = options.after;
  const waitMs = options.waitMs ?? 5_000;
  const aborted = () => options.signal?.aborted === true;
  while (!aborted()) {
    let batch: { events: CadenzaEvent[]; last: string };
    try {
      batch = await log.read(after, { limit: 500, waitMs, ...(options.signal ? { signal: options.signal } : {}) });
    } catch (error) {
      if (aborted()) return;
      throw error;
    }
    after = batch.last;
    for (const event of batch.events) yield event;
  }
}
