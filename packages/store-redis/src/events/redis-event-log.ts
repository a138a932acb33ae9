import type { CadenzaEvent, EventLog, NewEvent, ReadOptions } from '@cadenza/core';
import type { Redis } from 'ioredis';

/** Entries kept (one per store call that had events), trimmed approximately. */
export const DEFAULT_EVENTS_MAX_LEN = 10_000;

/**
 * The event log on Redis: one stream, `P:events`, of one entry per store call that had
 * events (its events as a JSON array in field `e`), so a batch of 100 settlements costs
 * one XADD. An event's id is `<entry id>.<index in the entry>`. The stream is capped at
 * about `maxLen` entries (`XADD MAXLEN ~`): readers that fall further behind lose the
 * oldest.
 *
 * The stream has no hash tag: like the ready index it is cross-tenant, written by a plain
 * command after the store call (not inside its script), and never awaited by it.
 */
export class RedisEventLog implements EventLog {
  private blocking: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly maxLen = DEFAULT_EVENTS_MAX_LEN,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  append(events: readonly NewEvent[]): void {
    if (events.length === 0) return;
    this.redis.xadd(this.key, 'MAXLEN', '~', this.maxLen, '*', 'e', JSON.stringify(events)).catch(this.onError);
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
    this.blocking?.disconnect();
    this.blocking = undefined;
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
      // A blocking read holds its connection: it gets one of its own, dropped to end the wait.
      this.blocking ??= this.redis.duplicate();
      const blocking = this.blocking;
      const stop = () => {
        if (this.blocking === blocking) this.blocking = undefined;
        blocking.disconnect();
      };
      signal?.addEventListener('abort', stop, { once: true });
      try {
        reply = (await blocking.xread('COUNT', limit, 'BLOCK', waitMs, 'STREAMS', this.key, entry)) as typeof reply;
      } catch (error) {
        if (signal?.aborted === true) return [];
        throw error;
      } finally {
        signal?.removeEventListener('abort', stop);
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
