// The resumable connection to GET /v1/events with a fake fetch and a fake timer: it
// resumes with Last-Event-ID, waits 1 s, 2 s, 4 s, 8 s then 10 s between failed tries, starts
// again at 1 s after a connection that worked, and never hands on an event twice.
import { describe, expect, it } from 'vitest';
import {
  type ConnectionState,
  EventConnection,
  type EventConnectionOptions,
  type ResponseLike,
  type StreamEvent,
} from './event-connection.js';

/** A response whose body the test writes to and ends. */
class FakeStream {
  readonly response: ResponseLike;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  constructor(status = 200) {
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
    });
    this.response = { ok: status >= 200 && status < 300, status, body };
  }
  send(text: string): void {
    try {
      this.#controller?.enqueue(new TextEncoder().encode(text));
    } catch {
      // The reader canceled the stream: what the server writes now goes nowhere.
    }
  }
  event(id: string, type = 'enqueued'): void {
    this.send(`id: ${id}\nevent: ${type}\ndata: ${JSON.stringify({ type, jobId: `acme:${id}` })}\n\n`);
  }
  end(): void {
    this.#controller?.close();
  }
  fail(): void {
    this.#controller?.error(new Error('connection reset'));
  }
}

/** A connection wired to fakes: each fetch takes the next answer the test queued. */
function harness() {
  const requests: { headers: Record<string, string>; signal: AbortSignal }[] = [];
  const answers: (() => Promise<ResponseLike>)[] = [];
  const timers: { run: () => void; ms: number; cleared: boolean }[] = [];
  const events: StreamEvent[] = [];
  const states: ConnectionState[] = [];
  let unauthorized = 0;
  let token = 'first';
  const options: EventConnectionOptions = {
    url: '/v1/events',
    fetch: (_url, init) => {
      requests.push(init);
      const answer = answers.shift();
      return answer === undefined ? new Promise(() => undefined) : answer();
    },
    headers: () => ({ authorization: `Bearer ${token}` }),
    setTimer: (run, ms) => {
      const timer = { run, ms, cleared: false };
      timers.push(timer);
      return timer;
    },
    clearTimer: (handle) => {
      (handle as { cleared: boolean }).cleared = true;
    },
    onEvent: (event) => events.push(event),
    onState: (state) => states.push(state),
    onUnauthorized: () => unauthorized++,
  };
  const connection = new EventConnection(options);
  return {
    connection,
    requests,
    events,
    states,
    timers,
    unauthorized: () => unauthorized,
    setToken: (next: string) => {
      token = next;
    },
    answer(stream: FakeStream) {
      answers.push(() => Promise.resolve(stream.response));
      return stream;
    },
    refuse(error = new TypeError('network down')) {
      answers.push(() => Promise.reject(error));
    },
    /** Runs the newest pending timer and expects it to have been set for `ms`. */
    fireTimer(ms: number) {
      const timer = timers.at(-1);
      expect(timer?.ms).toBe(ms);
      expect(timer?.cleared).toBe(false);
      timer?.run();
    },
  };
}

/** Lets promises and stream reads settle until `done` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 0));
  expect(done()).toBe(true);
}

describe('EventConnection', () => {
  it('connects with the token, hands on events with their ids, and says it is connected', async () => {
    const h = harness();
    const stream = h.answer(new FakeStream());
    h.connection.start();
    await until(() => h.states.includes('connected'));
    expect(h.requests[0]?.headers).toEqual({ authorization: 'Bearer first', accept: 'text/event-stream' });
    stream.send(': cadenza events\n\n');
    stream.event('1');
    stream.send('id: 2\nevent: started\ndata: {"type":"started",');
    stream.send('"jobId":"acme:1","attempt":1}\n\n');
    await until(() => h.events.length === 2);
    expect(h.events).toEqual([
      { id: '1', type: 'enqueued', jobId: 'acme:1' },
      { id: '2', type: 'started', jobId: 'acme:1', attempt: 1 },
    ]);
    expect(h.connection.lastEventId).toBe('2');
    expect(h.states).toEqual(['connecting', 'connected']);
  });

  it('after a drop, reconnects in 1 s with Last-Event-ID and the current token', async () => {
    const h = harness();
    const first = h.answer(new FakeStream());
    h.connection.start();
    await until(() => h.connection.state === 'connected');
    first.event('41');
    await until(() => h.events.length === 1);
    first.end();
    await until(() => h.connection.state === 'reconnecting');
    h.setToken('second');
    h.answer(new FakeStream());
    h.fireTimer(1_000);
    await until(() => h.connection.state === 'connected');
    expect(h.requests[1]?.headers).toEqual({
      authorization: 'Bearer second',
      accept: 'text/event-stream',
      'Last-Event-ID': '41',
    });
    expect(h.states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('backs off 1 s, 2 s, 4 s, 8 s, 10 s, 10 s while tries fail, and from 1 s again after one works', async () => {
    const h = harness();
    const first = h.answer(new FakeStream());
    h.connection.start();
    await until(() => h.connection.state === 'connected');
    first.event('1');
    first.fail(); // a stream cut short
    await until(() => h.timers.length === 1);
    const waits = [1_000, 2_000, 4_000, 8_000, 10_000, 10_000];
    for (const [index, ms] of waits.entries()) {
      // Refused outright, or answered with an error status: both are failed tries.
      if (index % 2 === 0) h.refuse();
      else h.answer(new FakeStream(503));
      h.fireTimer(ms);
      await until(() => h.timers.length === index + 2);
      expect(h.connection.state).toBe('reconnecting');
    }
    // Every retry asked to resume after the last event seen.
    for (const request of h.requests.slice(1)) expect(request.headers['Last-Event-ID']).toBe('1');

    const back = h.answer(new FakeStream());
    h.fireTimer(10_000);
    await until(() => h.connection.state === 'connected');
    back.end();
    await until(() => h.timers.length === waits.length + 2);
    h.refuse();
    h.fireTimer(1_000);
    await until(() => h.timers.length === waits.length + 3);
    expect(h.timers.at(-1)?.ms).toBe(2_000);
  });

  it('never hands on the same event twice, even when a server repeats it after a resume', async () => {
    const h = harness();
    const first = h.answer(new FakeStream());
    h.connection.start();
    await until(() => h.connection.state === 'connected');
    first.event('1');
    first.event('2');
    await until(() => h.events.length === 2);
    first.end();
    await until(() => h.connection.state === 'reconnecting');
    const second = h.answer(new FakeStream());
    h.fireTimer(1_000);
    await until(() => h.connection.state === 'connected');
    second.event('2');
    second.event('1');
    second.event('3');
    await until(() => h.events.length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(h.events.map((event) => event.id)).toEqual(['1', '2', '3']);
    expect(h.connection.lastEventId).toBe('3');
  });

  it('stops on 401, tells the app, and tries no more', async () => {
    const h = harness();
    h.answer(new FakeStream(401));
    h.connection.start();
    await until(() => h.unauthorized() === 1);
    expect(h.connection.state).toBe('disconnected');
    expect(h.timers).toEqual([]);
    expect(h.states).toEqual(['connecting', 'disconnected']);
  });

  it('stop() ends the stream and a pending retry, and says disconnected', async () => {
    const h = harness();
    const stream = h.answer(new FakeStream());
    h.connection.start();
    await until(() => h.connection.state === 'connected');
    h.connection.stop();
    expect(h.connection.state).toBe('disconnected');
    expect(h.requests[0]?.signal.aborted).toBe(true);
    stream.event('9');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(h.events).toEqual([]);
    expect(h.timers).toEqual([]);

    // Stopped while waiting to retry: the timer is cleared.
    const again = harness();
    again.refuse();
    again.connection.start();
    await until(() => again.timers.length === 1);
    again.connection.stop();
    expect(again.timers[0]?.cleared).toBe(true);
  });
});
