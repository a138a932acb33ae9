/**
 * HTTP requests over a plain TCP socket, for what `fetch` cannot do: send a body slowly, in
 * pieces, and see exactly when the server answers and when it closes the connection.
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RawAnswer {
  /** The status of the answer, when one arrived. */
  status: number | undefined;
  /** The answer's body as text ('' when none arrived). */
  body: string;
  /** Body bytes written before the end or before the connection closed. */
  written: number;
  /** Whether the server closed the connection (rather than this client, after the answer). */
  closedByServer: boolean;
  /** A socket error (EPIPE, ECONNRESET…), when one happened. */
  error: string | undefined;
}

export interface SlowBody {
  /** The body, sent in `chunkBytes` pieces. */
  body: Buffer;
  /** Declared length; default the body's. Ignored with `chunked`. */
  contentLength?: number;
  /** Send `transfer-encoding: chunked` and no length (and no final chunk: the body never ends). */
  chunked?: boolean;
  chunkBytes: number;
  /** Pause after each piece: a slow client on a slow link. */
  pauseMs: number;
}

/**
 * Sends `method path` with `content-type: application/json` and the body slowly, as an
 * HTTP/1.1 client does: the whole request first, then the answer is read. Writing stops
 * early only when the connection fails or closes. Resolves once a whole answer is there
 * and the body was sent (the client then closes), or once the connection closed.
 */
export async function slowRequest(base: string, method: string, path: string, send: SlowBody): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  const answer: RawAnswer = { status: undefined, body: '', written: 0, closedByServer: false, error: undefined };
  let received = Buffer.alloc(0);
  let answered = false;
  let sent = false;
  const finished = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      answered = parseAnswer(received, answer);
      if (answered && sent) socket.destroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      answer.error = error.code ?? error.message;
    });
    socket.on('close', () => {
      if (!(answered && sent)) answer.closedByServer = true;
      resolve();
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const length =
    send.chunked === true ? 'transfer-encoding: chunked' : `content-length: ${send.contentLength ?? send.body.length}`;
  socket.write(
    `${method} ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\n${length}\r\n\r\n`,
  );
  for (let at = 0; at < send.body.length && !socket.destroyed; at += send.chunkBytes) {
    const piece = send.body.subarray(at, at + send.chunkBytes);
    const framed = send.chunked === true ? [`${piece.length.toString(16)}\r\n`, piece, '\r\n'] : [piece];
    let flushed = true;
    for (const part of framed) flushed = socket.write(part) && flushed;
    answer.written += piece.length;
    if (!flushed) await drained(socket);
    await sleep(send.pauseMs);
  }
  sent = true;
  if (answered) socket.destroy();
  await finished;
  return answer;
}

/** Resolves when the socket can take more, or is gone. */
function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/** Fills `answer` from the bytes so far; true once the whole answer (by its content-length) is there. */
function parseAnswer(received: Buffer, answer: RawAnswer): boolean {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const head = received.subarray(0, end).toString('latin1');
  answer.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
  const body = received.subarray(end + 4);
  answer.body = body.toString('utf8');
  return body.length >= length;
}

/** A JSON job body of about `bytes` bytes: `{"name":"big","payload":"xxx…"}`. */
export function jobBody(bytes: number, extra = ''): Buffer {
  const head = `{"name":"big",${extra}"payload":"`;
  const tail = '"}';
  return Buffer.from(`${head}${'x'.repeat(Math.max(0, bytes - head.length - tail.length))}${tail}`);
}
