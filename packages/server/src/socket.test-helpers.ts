/**
 * A plain TCP client for the server's tests that need a real socket: requests written by
 * hand (a body in pieces, chunked, or never finished) and answers read as they arrive.
 * Excluded from the build (tsconfig.json).
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class RawClient {
  private received = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  /** Set once the server closed the connection. */
  closed = false;
  error: string | undefined;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.error = error.code ?? error.message;
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async open(base: string): Promise<RawClient> {
    const { hostname, port } = new URL(base);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  /**
   * Writes and resolves once the socket took it (or failed), after one turn of the event
   * loop: the server under test runs in this process, and a loop of writes that the kernel
   * takes at once would otherwise never let it read.
   */
  async write(data: string | Buffer): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.socket.destroyed) resolve();
      else this.socket.write(data, () => resolve());
    });
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** The next whole response on this connection (by content-length); rejects if it closes first. */
  async response(): Promise<RawResponse> {
    for (;;) {
      const parsed = this.take();
      if (parsed !== undefined) return parsed;
      if (this.closed) throw new Error(`connection closed before a whole response (${this.error ?? 'no error'})`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Resolves once the server closed the connection. */
  async closedByServer(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  private take(): RawResponse | undefined {
    const end = this.received.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const lines = this.received.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (this.received.length < end + 4 + length) return undefined;
    const body = this.received.subarray(end + 4, end + 4 + length).toString('utf8');
    this.received = this.received.subarray(end + 4 + length);
    return { status: Number(lines[0]?.split(' ')[1]), headers, body };
  }
}

/** The head of a request with a JSON body of `length` bytes (or chunked, without a length). */
export function requestHead(
  method: string,
  path: string,
  length: number | 'chunked',
  type = 'application/json',
): string {
  const framing = length === 'chunked' ? 'transfer-encoding: chunked' : `content-length: ${length}`;
  return `${method} ${path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: ${type}\r\n${framing}\r\n\r\n`;
}

/** One chunk of a chunked body. */
export function chunk(data: string | Buffer): Buffer {
  const bytes = Buffer.from(data);
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
}

/** The last chunk of a chunked body. */
export const LAST_CHUNK = '0\r\n\r\n';
