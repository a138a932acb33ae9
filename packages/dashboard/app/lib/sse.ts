// A parser of server-sent events text (the format GET /v1/events answers in,
// packages/server/README.md), fed chunk by chunk as a stream reader hands them over. The
// dashboard reads the stream with fetch rather than EventSource so that it can send the API
// token; this is the part of EventSource it then needs. Pure: strings in, messages out.

export interface SseMessage {
  /** The last `id:` seen on the stream, as the HTML standard's event-stream parsing keeps it across messages ('' before any). */
  id: string;
  /** `event:`, or 'message' when the message named none. */
  event: string;
  /** The `data:` lines joined with '\n'. */
  data: string;
}

export class SseParser {
  #pending = '';
  #data: string[] = [];
  #event = '';
  #lastId = '';
  #skipLf = false;

  /** Feeds the next piece of text; answers the messages it completed. */
  push(chunk: string): SseMessage[] {
    if (chunk === '') return [];
    // A CR that ended the previous chunk ended a line; a LF starting this one belongs to it.
    const text = this.#pending + (this.#skipLf && chunk.startsWith('\n') ? chunk.slice(1) : chunk);
    this.#skipLf = text.endsWith('\r');
    const lines = text.split(/\r\n|\r|\n/);
    this.#pending = lines.pop() ?? '';
    const messages: SseMessage[] = [];
    for (const line of lines) {
      const message = this.#line(line);
      if (message !== undefined) messages.push(message);
    }
    return messages;
  }

  #line(line: string): SseMessage | undefined {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return undefined; // a comment (the server's keep-alives)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#lastId = value;
    // `retry:` and unknown fields are ignored: the connection keeps its own backoff.
    return undefined;
  }

  #dispatch(): SseMessage | undefined {
    const data = this.#data;
    const event = this.#event;
    this.#data = [];
    this.#event = '';
    if (data.length === 0) return undefined;
    return { id: this.#lastId, event: event === '' ? 'message' : event, data: data.join('\n') };
  }
}
