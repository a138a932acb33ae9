import type { Logger } from '../log/logger.js';
import type { Job } from './job.js';

/** What a handler gets besides its job. */
export interface JobContext {
  /** Aborts on timeout, cancel, lost lease or worker shutdown. */
  signal: AbortSignal;
  log: Logger;
  /** Extends the lease now (the worker also does so on its own timer). */
  heartbeat(): Promise<void>;
  /** Records progress (any JSON value), sent with the next heartbeat. */
  progress(value: unknown): Promise<void>;
}

export type HandlerFn = (job: Job, ctx: JobContext) => unknown;

export interface HandlerSpec {
  handler: HandlerFn;
  /** Run in a worker thread so that a busy loop stalls nothing else. */
  cpu?: boolean;
  /** Default `timeoutMs` for jobs of this name that set none. */
  timeoutMs?: number;
  /** At most this many jobs of this name at once in one worker. */
  concurrency?: number;
}

export type HandlerEntry = HandlerFn | HandlerSpec;

/** The default export of a handlers module: job names to handlers. */
export type HandlersMap = Record<string, HandlerEntry>;
