import { writeSync } from 'node:fs';

/** Characters gathered before they are written at once, whatever the turn (a few dozen lines). */
const HOLD_CHARS = 8192;

/** How long to wait for a full pipe (EAGAIN) to drain before trying again. */
const BUSY_WAIT_MS = 5;

/**
 * Where the process log goes: log lines gather in memory and leave in one write(2) at the end
 * of the event loop's turn, or as soon as HOLD_CHARS have gathered, rather than one system
 * call per line (on a worker that logs every job, those calls were most of a line's cost).
 *
 * Writes stay synchronous — no write is ever left half-done in libuv's thread pool — so
 * `flush()` at any moment writes everything held, in order. It runs on the process's 'exit'
 * event, which comes on every way a command ends but a signal it does not handle:
 * `process.exit` after SIGTERM/SIGINT and after a usage error (exit 2), an uncaught exception,
 * an unhandled rejection, and the loop running dry. So no line is lost when the process ends.
 */
export class LineBuffer {
  private held: string[] = [];
  private chars = 0;
  private queued = false;
  /** The reader went away (EPIPE): like pino's own destination, stop writing rather than crash. */
  private broken = false;
  private readonly flushQueued = (): void => {
    this.queued = false;
    this.flush();
  };

  constructor(private readonly fd: number) {}

  write(line: string): void {
    this.held.push(line);
    this.chars += line.length;
    if (this.chars >= HOLD_CHARS) this.flush();
    else if (!this.queued) {
      this.queued = true;
      setImmediate(this.flushQueued);
    }
  }

  /** Writes everything held now (pino's `logger.flush()` calls this too). */
  flush(done?: (error?: Error) => void): void {
    if (this.held.length > 0) {
      const data = Buffer.from(this.held.join(''));
      this.held = [];
      this.chars = 0;
      if (!this.broken) this.writeAll(data);
    }
    done?.();
  }

  private writeAll(data: Buffer): void {
    let offset = 0;
    while (offset < data.length) {
      try {
        offset += writeSync(this.fd, data, offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') {
          this.broken = true;
          return;
        }
        // stdout is a pipe set non-blocking (by Node, once anything touched process.stdout)
        // and the reader is behind: wait a little, as a blocking write would have.
        if (code !== 'EAGAIN') throw error;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, BUSY_WAIT_MS);
      }
    }
  }
}

let stdout: LineBuffer | undefined;

/** The one buffer in front of stdout (fd 1), flushed on exit; every process logger shares it. */
export function stdoutLines(): LineBuffer {
  if (stdout === undefined) {
    const buffer = new LineBuffer(1);
    stdout = buffer;
    process.on('exit', () => {
      try {
        buffer.flush();
      } catch {
        // Nowhere left to report a failing stdout.
      }
    });
  }
  return stdout;
}
