import type { Job, JobError } from '@cadenza/core';
import type { AbortKind } from '../attempt-outcome.js';

// The messages between the pool (main thread) and a CPU thread. Everything crosses as a
// structured clone; a thread runs one job at a time, so every message names that job's id
// only to drop late messages of a job the pool has given up on.

/** What a thread is started with (`workerData`). */
export interface ThreadData {
  /** Absolute path of the handlers module the thread imports (the same file the worker loaded). */
  modulePath: string;
}

export type ToThread =
  | { type: 'run'; id: number; name: string; job: Job; logLevel: string }
  | { type: 'abort'; id: number; kind: AbortKind; message: string };

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export type FromThread =
  | { type: 'done'; id: number; ok: true; result: unknown }
  | { type: 'done'; id: number; ok: false; error: JobError }
  | { type: 'progress'; id: number; value: unknown }
  | { type: 'heartbeat'; id: number }
  | { type: 'log'; id: number; level: LogLevel; bindings: Record<string, unknown>; args: unknown[] };

/** A value as it may cross a thread boundary: itself when it clones, else its JSON copy. */
export function cloneable(value: unknown): unknown {
  try {
    structuredClone(value);
    return value;
  } catch {
    try {
      const text = JSON.stringify(value);
      return text === undefined ? undefined : (JSON.parse(text) as unknown);
    } catch {
      return undefined;
    }
  }
}
