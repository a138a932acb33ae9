/**
 * Attempt spans from the attempt log: when each attempt started and ended (the end line,
 * or the SIGKILL of its worker process), and from when its lease may have lapsed (its
 * worker impaired long enough: see impairments.ts).
 */
import { leaseMayLapseAt } from './impairments.js';
import type { AttemptEvent, Fault } from './logs.js';

export interface Span {
  id: string;
  attempt: number;
  worker: string;
  pid: number;
  tenant: string;
  resources: Record<string, number>;
  start: number;
  /** The end line, the kill of its process, or Infinity (still running when read). */
  end: number;
  /** From here on its lease may have been taken back (Infinity: held throughout). */
  lapseAt: number;
}

export function spansOf(events: readonly AttemptEvent[], faults: readonly Fault[], lapseThresholdMs: number): Span[] {
  const ends = new Map<string, number>();
  for (const e of events) if (e.e === 'end') ends.set(`${e.id}/${e.attempt}/${e.pid}`, e.t);
  const killedAt = new Map<number, number>();
  for (const f of faults) if (f.kind === 'kill' && f.pid !== undefined) killedAt.set(f.pid, f.start);
  const spans: Span[] = [];
  for (const e of events) {
    if (e.e !== 'start') continue;
    const end = ends.get(`${e.id}/${e.attempt}/${e.pid}`) ?? killedAt.get(e.pid) ?? Number.POSITIVE_INFINITY;
    spans.push({
      id: e.id,
      attempt: e.attempt,
      worker: e.worker,
      pid: e.pid,
      tenant: e.tenant,
      resources: e.resources ?? {},
      start: e.t,
      end,
      lapseAt: leaseMayLapseAt(faults, e.worker, e.t, end, lapseThresholdMs),
    });
  }
  return spans;
}
