/**
 * What a chaos run leaves behind, as the checkers read it: the attempt log the handlers
 * write, the fault log the runner writes, leader samples, and the jobs read from the store.
 * All times are epoch ms of this machine's wall clock.
 */
import { existsSync, readFileSync } from 'node:fs';

/** One line of the attempt log (handlers.mjs). */
export interface AttemptEvent {
  e: 'start' | 'end';
  id: string;
  attempt: number;
  /** The worker's --id (kept across its restarts). */
  worker: string;
  /** The worker process: tells one incarnation of a worker from the next. */
  pid: number;
  tenant: string;
  name: string;
  t: number;
  resources?: Record<string, number>;
  outcome?: 'ok' | 'error' | 'aborted';
}

export type FaultKind =
  | 'kill' // SIGKILL, restarted at `end`
  | 'stop' // SIGSTOP, SIGCONT at `end`
  | 'partition' // its proxy cut, restored at `end`
  | 'latency' // its proxy delays every chunk by `ms`
  | 'redis-kill' // redis-server SIGKILLed, started again on its AOF at `end`
  | 'redis-shutdown' // SHUTDOWN, started again at `end`
  | 'clock'; // a coordinator (re)started with its clock `ms` off

export interface Fault {
  kind: FaultKind;
  /** A process name (c1, w2) or `redis`. */
  target: string;
  start: number;
  end: number;
  /** The process hit (kill, stop): its attempts end with it. */
  pid?: number;
  /** latency: the delay; clock: the offset. */
  ms?: number;
}

/** Who the store named leader at `t` (undefined: none, or the store did not answer). */
export interface LeaderSample {
  t: number;
  leader: string | undefined;
  /**
   * The lease's expiresAt minus this machine's now: the leader's ttl plus its clock offset
   * (evidence that the offset took).
   */
  leftMs?: number;
}

export interface Interval {
  from: number;
  to: number;
}

export function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}

/** Merges intervals that overlap or touch; sorted by start. */
export function union(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].filter((i) => i.to > i.from).sort((a, b) => a.from - b.from);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last !== undefined && i.from <= last.to) last.to = Math.max(last.to, i.to);
    else out.push({ ...i });
  }
  return out;
}

/** Whether the union of `intervals` covers all of `window`. */
export function covers(intervals: readonly Interval[], window: Interval): boolean {
  if (window.to <= window.from) return true;
  return union(intervals).some((i) => i.from <= window.from && i.to >= window.to);
}

export const iso = (t: number) => new Date(t).toISOString().slice(11, 23);
