import type { LeaseState } from '@cadenza/core';

/**
 * The answers of the tenant scripts, one decoder each, named by the script: what a script
 * answers after the notes every tenant script starts with (tenant-scripts.ts). Each
 * script's header (`-- Answer:` in lua/<script>.lua) says the same shape. The claim scripts'
 * answer is claim-answer.ts; enqueue's, which is worded into errors, is enqueue.ts's.
 * A missing answer (a call that was not made) reads as the script's empty answer.
 */
type Answer = readonly unknown[] | undefined;

const flag = (value: unknown) => Number(value) === 1;
const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));

/** promote.lua: how many delayed jobs became waiting. */
export function promoteAnswer(answer: Answer): { promoted: number } {
  return { promoted: Number(answer?.[0] ?? 0) };
}

/** release-dependents.lua: children changed, and whether parents are left with children to look at. */
export function releaseDependentsAnswer(answer: Answer): { changed: number; more: boolean } {
  return { changed: Number(answer?.[0] ?? 0), more: flag(answer?.[1]) };
}

/** retention.lua: jobs deleted, whether it stopped at its bound, whether the tenant is left with nothing. */
export function retentionAnswer(answer: Answer): { deleted: number; more: boolean; emptied: boolean } {
  return { deleted: Number(answer?.[0] ?? 0), more: flag(answer?.[1]), emptied: flag(answer?.[2]) };
}

/** recover.lua: per id given, in order: requeued, failed, or left alone. */
export function recoverAnswer(answer: Answer, count: number): ('requeued' | 'failed' | 'left')[] {
  return Array.from({ length: count }, (_, k) => {
    const outcome = text(answer?.[k]);
    return outcome === 'r' ? 'requeued' : outcome === 'f' ? 'failed' : 'left';
  });
}

/** settle.lua, heartbeat.lua: per entry given, its lease state ('lost' for none). */
export function leaseStatesAnswer(answer: Answer, count: number): LeaseState[] {
  return Array.from({ length: count }, (_, k) => (answer?.[k] as LeaseState | undefined) ?? 'lost');
}

/** get-jobs.lua: per id given, its record (record.ts decodes it), or undefined when there is no such job. */
export function getJobsAnswer(answer: Answer, count: number): (string | undefined)[] {
  return Array.from({ length: count }, (_, k) => {
    const raw = text(answer?.[k]);
    return raw === '' ? undefined : raw;
  });
}

/**
 * cancel.lua, retry.lua: what became of the job ('ok'; 'none' unknown; 'final' it had ended,
 * cancel; 'refused', retry), its record, and for a refused retry the parent (local id) that
 * ended failed or canceled and that parent's status, when that was why.
 */
export function jobVerdictAnswer(answer: Answer): {
  verdict: string;
  record: string;
  parent: string | undefined;
  parentStatus: string | undefined;
} {
  return {
    verdict: text(answer?.[0]),
    record: text(answer?.[1]),
    parent: answer?.[2] === undefined ? undefined : String(answer[2]),
    parentStatus: answer?.[3] === undefined ? undefined : String(answer[3]),
  };
}

/** due-at.lua: the earliest of its due times (runAt, lease expiry, fire, a parent's end), or undefined. */
export function dueAtAnswer(answer: Answer): number | undefined {
  let due: number | undefined;
  for (const raw of answer ?? []) {
    if (raw === '' || raw === null || raw === undefined) continue;
    const at = Number(raw);
    if (due === undefined || at < due) due = at;
  }
  return due;
}

/** schedule-put.lua: written, changed meanwhile (read again), or refused with the tenant's schedule count. */
export function schedulePutAnswer(
  answer: Answer,
): { outcome: 'written' } | { outcome: 'changed' } | { outcome: 'refused'; count: number } {
  const outcome = Number(answer?.[0]);
  if (outcome === 1) return { outcome: 'written' };
  if (outcome === 2) return { outcome: 'refused', count: Number(answer?.[1]) };
  return { outcome: 'changed' };
}

/** schedule-delete.lua: whether there was a schedule to delete. */
export function scheduleDeleteAnswer(answer: Answer): { deleted: boolean } {
  return { deleted: flag(answer?.[0]) };
}

/** schedule-trigger.lua: the job made (local id, record), or undefined when the row changed meanwhile. */
export function scheduleTriggerAnswer(answer: Answer): { local: string; record: string } | undefined {
  const [made, record] = (answer ?? []) as (string | undefined)[];
  if (made === 'retry' || made === undefined || record === undefined) return undefined;
  return { local: made, record };
}

/** record-fires.lua: per fire given, whether it applied and the local ids of the jobs it made. */
export function recordFiresAnswer(answer: Answer, fires: number): { applied: boolean; locals: string[] }[] {
  const out: { applied: boolean; locals: string[] }[] = [];
  let at = 0;
  for (let k = 0; k < fires; k++) {
    const count = Number(answer?.[at + 1] ?? 0);
    out.push({ applied: flag(answer?.[at]), locals: (answer ?? []).slice(at + 2, at + 2 + count).map(String) });
    at += 2 + count;
  }
  return out;
}

/**
 * list-jobs.lua: the place of the last job looked at ('' none), whether the slice reached
 * the log's start, how many jobs it looked at, and the matches: place, local id, record.
 */
export function listJobsAnswer(answer: Answer): {
  last: string;
  exhausted: boolean;
  looked: number;
  found: { place: string; local: string; record: string }[];
} {
  const a = answer ?? [];
  const found: { place: string; local: string; record: string }[] = [];
  for (let i = 3; i + 2 < a.length; i += 3)
    found.push({ place: text(a[i]), local: text(a[i + 1]), record: text(a[i + 2]) });
  return { last: text(a[0]), exhausted: flag(a[1]), looked: Number(a[2] ?? 0), found };
}

/** doctor-repair.lua: whether the fix applied (false: the state had moved on). */
export function doctorRepairAnswer(answer: Answer): { fixed: boolean } {
  return { fixed: flag(answer?.[0]) };
}

/** gate-take.lua (gates' slot, no notes): the holders granted, then the holds past their deadline. */
export function gateTakeAnswer(answer: Answer): { granted: string[]; expired: string[] } {
  const a = (answer ?? [0]).map(String);
  const count = Number(a[0]);
  return { granted: a.slice(1, 1 + count), expired: a.slice(1 + count) };
}
