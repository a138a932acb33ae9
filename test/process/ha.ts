/**
 * Helpers of the coordinator high-availability tests (ha-*.test.ts): per-second schedules,
 * who leads, a process's log lines, and the one check they all end with — every fire time
 * has exactly one job.
 */
import { definedOnly, type ListedJob, prepareSchedule, realClock, type ScheduleInput } from '@cadenza/core';
import { expect } from 'vitest';
import { type Cadenza, waitFor } from './cadenza-process.js';
import type { Cluster } from './cluster.js';

export const SECOND = 1000;

/** Puts a schedule that fires every whole second (6-field cron), running the `record` handler. */
export async function perSecond(c: Cluster, id: string, extra: Partial<ScheduleInput> = {}): Promise<void> {
  const definition = prepareSchedule(id, { name: 'record', cron: '* * * * * *', ...extra });
  await c.store.upsertSchedule(definition, realClock.now());
}

export async function leaderOf(c: Cluster): Promise<{ id: string; epoch: number } | undefined> {
  const lease = await c.store.getLeadership(realClock.now());
  return lease === undefined ? undefined : { id: lease.nodeId, epoch: lease.epoch };
}

/** Waits until the store names a leader that `accept` takes; returns it. */
export async function waitForLeader(
  c: Cluster,
  accept: (leader: { id: string; epoch: number }) => boolean,
  timeoutMs = 20_000,
): Promise<{ id: string; epoch: number }> {
  let seen: { id: string; epoch: number } | undefined;
  await waitFor(
    () => `a leader (last seen ${JSON.stringify(seen)})`,
    async () => {
      seen = await leaderOf(c);
      return seen !== undefined && accept(seen);
    },
    timeoutMs,
  );
  if (seen === undefined) throw new Error('unreachable');
  return seen;
}

/** The JSON log lines of a process whose `msg` is `msg`. */
export function logged(node: Cadenza, msg: string): Record<string, unknown>[] {
  return node.stdout
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === msg);
}

export function waitForLog(node: Cadenza, msg: string, timeoutMs = 20_000): Promise<void> {
  return waitFor(`log line "${msg}"`, () => logged(node, msg).length > 0, timeoutMs);
}

/** Every job a schedule created, read through the store (a few hundred at most here). */
export async function jobsOf(c: Cluster, scheduleId: string): Promise<ListedJob[]> {
  const jobs: ListedJob[] = [];
  let cursor: string | undefined;
  do {
    const page = await c.store.listJobs({ limit: 500, ...definedOnly({ cursor }) });
    jobs.push(...page.jobs.filter((j) => j.scheduleId === scheduleId));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return jobs.sort((a, b) => (a.scheduledFor ?? 0) - (b.scheduledFor ?? 0));
}

/** Fire times with more than one job: must be none, ever. */
export function doubled(jobs: readonly ListedJob[]): number[] {
  const seen = new Map<number, number>();
  for (const j of jobs) seen.set(j.scheduledFor ?? -1, (seen.get(j.scheduledFor ?? -1) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([at]) => at);
}

/** Asserts one job for each whole second in [from, to] and no fire time doubled. */
export function expectEverySecondOnce(jobs: readonly ListedJob[], from: number, to: number): void {
  expect(doubled(jobs).map((t) => new Date(t).toISOString())).toEqual([]);
  const fired = new Set(jobs.map((j) => j.scheduledFor));
  const missing: string[] = [];
  for (let t = from; t <= to; t += SECOND) if (!fired.has(t)) missing.push(new Date(t).toISOString());
  expect(missing).toEqual([]);
}

/** The next whole second after `ms`. */
export const nextSecond = (ms: number) => Math.floor(ms / SECOND) * SECOND + SECOND;

/** Prints a measured figure (takeover times, fire counts): shown, never asserted. */
export function report(line: string): void {
  process.stdout.write(`[ha] ${line}\n`);
}
