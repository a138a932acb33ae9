import type { ServerResponse } from 'node:http';

/**
 * Writes one SSE client's stream without buffering for it without bound. While the socket
 * takes what is written (`write()` answers true) text goes straight out; once it answers
 * false, text waits here until 'drain'. A client is judged when more comes for it: when
 * what still waits from before (here and in the response's own buffer) is over
 * `maxBufferedBytes`, it is not reading. It is dropped, its connection destroyed, and
 * `onOverflow` told, so that one stalled client costs a bounded amount of memory (the
 * limit plus one batch of events) and never holds up the others. Judging before a write,
 * not after, lets a healthy client take a batch larger than the limit.
 */
export class SseWriter {
  private waiting: string[] = [];
  private waitingBytes = 0;
  private blocked = false;
  private ended = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly maxBufferedBytes: number,
    private readonly onOverflow: (bufferedBytes: number) => void,
  ) {
    response.on('drain', () => this.flush());
    response.on('close', () => {
      this.ended = true;
      this.waiting = [];
      this.waitingBytes = 0;
    });
  }

  /** Whether the stream was ended (by end(), an overflow, or the client going away). */
  get closed(): boolean {
    return this.ended || this.response.destroyed;
  }

  write(text: string): void {
    if (this.closed) return;
    const buffered = this.waitingBytes + this.response.writableLength;
    if (buffered > this.maxBufferedBytes) {
      this.ended = true;
      this.waiting = [];
      this.waitingBytes = 0;
      this.response.destroy();
      this.onOverflow(buffered);
      return;
    }
    if (this.blocked) {
      this.waiting.push(text);
      this.waitingBytes += Buffer.byteLength(text);
    } else {
      this.blocked = !this.response.write(text);
    }
  }

  end(): void {
    if (this.closed) return;
    this.ended = true;
    this.response.end();
  }

  private flush(): void {
    this.blocked = false;
    if (this.waiting.length === 0 || this.closed) return;
    const text = this.waiting.join('');
    this.waiting = [];
    this.waitingBytes = 0;
    this.blocked = !this.response.write(text);
  }
}
