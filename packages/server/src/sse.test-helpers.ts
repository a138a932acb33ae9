/**
 * An SSE client over fetch for the server's tests: it parses `GET /v1/events` as the
 * messages come and lets a test wait for a number of them. Excluded from the build.
 */
import { afterEach } from 'vitest';

export interface EventStream {
  /** The data of every message read so far, parsed. */
  events: Record<string, unknown>[];
  /** Whether the stream ended (the server closed it, or close() was called). */
  ended(): boolean;
  /** Resolves once `count` messages were read. */
  reached(count: number): Promise<void>;
  close(): void;
}

const open = new Set<AbortController>();
afterEach(() => {
  for (const stream of open) stream.abort();
  open.clear();
});

/** Opens `base + path` (default `/v1/events`), with `headers` (a token); closed after the test. */
export async function openEvents(
  base: string,
  path = '/v1/events',
  headers: Record<string, string> = {},
): Promise<EventStream> {
  const stop = new AbortController();
  open.add(stop);
  const response = await fetch(`${base}${path}`, { signal: stop.signal, headers });
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
  const events: Record<string, unknown>[] = [];
  let ended = false;
  let waiting: { count: number; resolve: () => void } | undefined;
  void (async () => {
    const decoder = new TextDecoder();
    let text = '';
    try {
      for await (const piece of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(piece, { stream: true });
        const messages = text.split('\n\n');
        text = messages.pop() ?? '';
        for (const message of messages) {
          const data = message.split('\n').find((line) => line.startsWith('data: '));
          if (data !== undefined) events.push(JSON.parse(data.slice(6)));
        }
        if (waiting !== undefined && events.length >= waiting.count) waiting.resolve();
      }
    } catch {
      // Aborted by close() or at the end of the test, or cut by the server.
    }
    ended = true;
  })();
  return {
    events,
    ended: () => ended,
    reached: (count) =>
      events.length >= count ? Promise.resolve() : new Promise((resolve) => (waiting = { count, resolve })),
    close: () => stop.abort(),
  };
}
