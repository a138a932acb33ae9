import type { CadenzaEvent, EventLog, NewEvent, ReadOptions } from '@cadenza/core';
import type { RedisClient, RedisContext } from '../context.js';
import { eventKeys } from '../keys.js';

/** Events kept (about: trimming drops whole stream nodes), as BullMQ keeps by default. */
export const DEFAULT_MAX_EVENTS = 10_000;

/**
 * The event log on Redis: one stream, `P:{e}:events`. The events a process tells within one
 * tick (the store calls whose answers came together) go out as one entry (a JSON array in
 * field `e`) by one script call, `events-append.lua`, which names the entry by the count of
 * events appended so far and trims by that count: about `maxEvents` events are kept,
 * however they were batched. An event's id is `<entry id>.<index in the entry>`.
 *
 * The stream is cross-tenant, written after the store calls (not inside their scripts) and
 * never awaited by them: best effort, as core's EventLog says.
 */
export class RedisEventLog implements EventLog {
  /**
   * Connections for blocking reads: a blocking XREAD holds its connection, so readers
   * waiting at once (several SSE clients of one server) each need one. Kept for the next
   * read when done; dropped to end a wait early (abort).
   */
  private readonly idle: RedisClient[] = [];
  private readonly busy = new Set<RedisClient>();
  private pending: NewEvent[] = [];
  private readonly redis: RedisClient;
  private readonly key: string;

  constructor(
    private readonly ctx: RedisContext,
    private readonly maxEvents = DEFAULT_MAX_EVENTS,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.redis = ctx.redis;
    this.key = eventKeys(ctx.prefix).stream;
  }

  append(events: readonly NewEvent[]): void {
    if (events.length === 0) return;
    // Sent on the next tick, not later: an event held back lets another process's event that
    // follows from it (a worker's 'started' after this client's 'enqueued') go first. Waiting
    // 10 ms to batch more did exactly that.
    if (this.pending.length === 0) setImmediate(() => void this.flush());
    for (const event of events) this.pending.push(event);
  }

  /** Sends what was appended so far now, and resolves once Redis has it (or the write failed). */
  async drain(): Promise<void> {
    await this.flush();
  }

  /** Sends what was appended since the last flush as one entry. */
  private flush(): Promise<void> {
    const events = this.pending;
    this.pending = [];
    if (events.length === 0) return Promise.resolve();
    const write = this.ctx.scripts.call(this.redis, 'events-append', eventKeys(this.ctx.prefix).all, [
      events.length,
      JSON.stringify(events),
      this.maxEvents,
    ]) as Promise<unknown>;
    return write.then(() => undefined, this.onError);
  }

  async read(after: string | undefined, options: ReadOptions): Promise<{ events: CadenzaEvent[]; last: string }> {
    const from = after === undefined ? await this.lastId() : parseId(after);
    const events: CadenzaEvent[] = [];
    // The rest of a partly read entry first.
    if (from.index !== undefined) {
      for (const [id, fields] of await this.redis.xrange(this.key, from.entry, from.entry)) {
        events.push(...unpack(id, fields).slice(from.index + 1));
      }
    }
    if (events.length === 0) {
      const waitMs = options.signal?.aborted === true ? 0 : options.waitMs;
      events.push(...(await this.readAfter(from.entry, options.limit, waitMs, options.signal)));
    }
    const unchanged = from.index === undefined ? from.entry : `${from.entry}.${from.index}`;
    return { events, last: events.at(-1)?.id ?? unchanged };
  }

  async close(): Promise<void> {
    await this.flush();
    for (const connection of [...this.idle.splice(0), ...this.busy]) connection.disconnect();
    this.busy.clear();
  }

  /** The newest entry's id, read whole ('0-0' for an empty stream). */
  private async lastId(): Promise<{ entry: string; index: undefined }> {
    const [newest] = await this.redis.xrevrange(this.key, '+', '-', 'COUNT', 1);
    return { entry: newest?.[0] ?? '0-0', index: undefined };
  }

  private async readAfter(entry: string, limit: number, waitMs: number, signal?: AbortSignal): Promise<CadenzaEvent[]> {
    let reply: [string, [string, string[]][]][] | null;
    if (waitMs <= 0) {
      reply = (await this.redis.xread('COUNT', limit, 'STREAMS', this.key, entry)) as typeof reply;
    } else {
      // A blocking read waits on purpose: no command timeout on its connection.
      const connection = this.idle.pop() ?? this.ctx.duplicate({ commandTimeout: undefined });
      this.busy.add(connection);
      let dropped = false;
      const stop = () => {
        dropped = true;
        connection.disconnect();
      };
      signal?.addEventListener('abort', stop, { once: true });
      try {
        reply = (await connection.xread('COUNT', limit, 'BLOCK', waitMs, 'STREAMS', this.key, entry)) as typeof reply;
      } catch (error) {
        dropped = true;
        connection.disconnect();
        if (signal?.aborted === true) return [];
        throw error;
      } finally {
        signal?.removeEventListener('abort', stop);
        this.busy.delete(connection);
        if (!dropped) this.idle.push(connection);
      }
    }
    return (reply?.[0]?.[1] ?? []).flatMap(([id, fields]) => unpack(id, fields));
  }
}

/** `<entry id>.<index>` (or a bare entry id, or '0' for the oldest kept). */
function parseId(id: string): { entry: string; index: number | undefined } {
  if (id === '0') return { entry: '0-0', index: undefined };
  const match = /^(\d+-\d+)(?:\.(\d+))?$/.exec(id);
  if (match === null) throw new RangeError(`an event id like "1767225600000-0.3": got ${JSON.stringify(id)}`);
  return { entry: match[1] ?? '0-0', index: match[2] === undefined ? undefined : Number(match[2]) };
}

function unpack(entry: string, fields: readonly string[]): CadenzaEvent[] {
  const raw = fields[fields.indexOf('e') + 1];
  if (raw === undefined) return [];
  return (JSON.parse(raw) as NewEvent[]).map((event, i) => ({ ...event, id: `${entry}.${i}` }));
}
