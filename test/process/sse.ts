/**
 * A client of `GET /v1/events` over fetch for the process tests: it parses the server-sent
 * events as they come and lets a test wait for a number of them, or for the stream's end.
 */
import type { CadenzaEvent } from '@cadenza/client';

export interface SseClient {
  /** The status the server answered with. */
  status: number;
  /** The answer's body when it was not a stream (an error). */
  error: unknown;
  /** Every event read so far, in order. */
  events: CadenzaEvent[];
  /** Whether the stream ended (the server closed it). */
  ended(): boolean;
  /** Resolves once `count` events were read; rejects if the stream ends first or after `timeoutMs`. */
  received(count: number, timeoutMs?: number): Promise<void>;
  close(): void;
}

export async function openSse(url: string, lastEventId?: string): Promise<SseClient> {
  const stop = new AbortController();
  const response = await fetch(url, {
    signal: stop.signal,
    ...(lastEventId === undefined ? {} : { headers: { 'last-event-id': lastEventId } }),
  });
  const events: CadenzaEvent[] = [];
  let ended = false;
  const wake = new Set<() => void>();
  const client: SseClient = {
    status: response.status,
    error: undefined,
    events,
    ended: () => ended,
    async received(count, timeoutMs = 30_000) {
      const deadline = performance.now() + timeoutMs;
      while (events.length < count) {
        if (ended) throw new Error(`the stream ended after ${events.length} of ${count} events`);
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`timed out with ${events.length} of ${count} events`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, left);
          function done() {
            clearTimeout(timer);
            wake.delete(done);
            resolve();
          }
          wake.add(done);
        });
      }
    },
    close: () => stop.abort(),
  };
  if (response.status !== 200) {
    client.error = await response.json();
    ended = true;
    return client;
  }
  void (async () => {
    const decoder = new TextDecoder();
    let text = '';
    try {
      for await (const piece of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(piece, { stream: true });
        let end = text.indexOf('\n\n');
        while (end >= 0) {
          const data = text
            .slice(0, end)
            .split('\n')
            .find((line) => line.startsWith('data: '));
          if (data !== undefined) events.push(JSON.parse(data.slice(6)) as CadenzaEvent);
          text = text.slice(end + 2);
          end = text.indexOf('\n\n');
        }
        for (const done of [...wake]) done();
      }
    } catch {
      // Aborted by close(), or cut by the server: either way the stream is over.
    }
    ended = true;
    for (const done of [...wake]) done();
  })();
  return client;
}
