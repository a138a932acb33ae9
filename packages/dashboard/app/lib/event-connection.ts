// The dashboard's one connection to GET /v1/events (docs/operations.md "Events"), read with
// fetch so that it carries the API token. When it drops it comes back on its own, sending
// `Last-Event-ID` with the last id it saw, so the server resumes right after it: no event is
// missed (while the server still keeps it) and none is handed on twice. Waits between tries
// double from 1 s up to 10 s and start again at 1 s after a connection that succeeded.
// fetch and the timer are given, so tests drive it without a network or a clock.
import { SseParser } from './sse.js';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** An event of the stream: its JSON data, with the stream's id. */
export interface StreamEvent {
  id: string;
  type: string;
  at?: number;
  tenant?: string;
  jobId?: string;
  name?: string;
  scheduleId?: string;
  [field: string]: unknown;
}

export interface ResponseLike {
  ok: boolean;
  status: number;
  body: ReadableStream<Uint8Array> | null;
}

export interface EventConnectionOptions {
  url: string;
  fetch(url: string, init: { headers: Record<string, string>; signal: AbortSignal }): Promise<ResponseLike>;
  /** Headers every try sends (the token); read at each try, so a new token applies. */
  headers(): Record<string, string>;
  setTimer(run: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  onEvent(event: StreamEvent): void;
  onState(state: ConnectionState): void;
  /** The server answered 401: the connection stops until started again. */
  onUnauthorized?(): void;
}

export const FIRST_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 10_000;
/** How many recent ids are remembered to drop a repeated event. */
const SEEN_KEPT = 2_000;

export class EventConnection {
  readonly #options: EventConnectionOptions;
  #state: ConnectionState = 'disconnected';
  #delay = FIRST_DELAY_MS;
  #lastId: string | undefined;
  #seen = new Set<string>();
  #timer: unknown;
  #abort: AbortController | undefined;
  #running = false;

  constructor(options: EventConnectionOptions) {
    this.#options = options;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The id of the last event handed on, sent as `Last-Event-ID` on the next try. */
  get lastEventId(): string | undefined {
    return this.#lastId;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#delay = FIRST_DELAY_MS;
    this.#setState('connecting');
    void this.#connect();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) this.#options.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#abort?.abort();
    this.#abort = undefined;
    this.#setState('disconnected');
  }

  async #connect(): Promise<void> {
    this.#timer = undefined;
    const abort = new AbortController();
    this.#abort = abort;
    const headers: Record<string, string> = { ...this.#options.headers(), accept: 'text/event-stream' };
    if (this.#lastId !== undefined) headers['Last-Event-ID'] = this.#lastId;
    try {
      const response = await this.#options.fetch(this.#options.url, { headers, signal: abort.signal });
      if (!this.#running || abort.signal.aborted) return;
      if (response.status === 401) {
        this.stop();
        this.#options.onUnauthorized?.();
        return;
      }
      if (!response.ok || response.body === null) {
        this.#retry();
        return;
      }
      this.#delay = FIRST_DELAY_MS;
      this.#setState('connected');
      await this.#read(response.body, abort.signal);
    } catch {
      // A network error or a stream cut short: both mean try again.
    }
    if (this.#running && !abort.signal.aborted) this.#retry();
  }

  async #read(body: ReadableStream<Uint8Array>, signal: AbortSignal): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    const cancel = () => void reader.cancel().catch(() => undefined);
    signal.addEventListener('abort', cancel);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || signal.aborted) return;
        for (const message of parser.push(decoder.decode(value, { stream: true }))) {
          if (signal.aborted) return;
          this.#deliver(message.id, message.data);
        }
      }
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  }

  #deliver(id: string, data: string): void {
    if (id !== '' && this.#seen.has(id)) return;
    let event: StreamEvent;
    try {
      event = { ...(JSON.parse(data) as Record<string, unknown>), id } as StreamEvent;
    } catch {
      return; // not an event of ours
    }
    if (id !== '') {
      this.#lastId = id;
      this.#seen.add(id);
      if (this.#seen.size > SEEN_KEPT) {
        const oldest = this.#seen.values().next().value;
        if (oldest !== undefined) this.#seen.delete(oldest);
      }
    }
    this.#options.onEvent(event);
  }

  #retry(): void {
    if (!this.#running) return;
    this.#abort = undefined;
    this.#setState('reconnecting');
    const delay = this.#delay;
    this.#delay = Math.min(this.#delay * 2, MAX_DELAY_MS);
    this.#timer = this.#options.setTimer(() => void this.#connect(), delay);
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#options.onState(state);
  }
}
