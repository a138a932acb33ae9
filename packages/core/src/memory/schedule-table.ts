import type { Schedule } from '../model/schedule.js';
import type { SchedulePage, ScheduleQuery } from '../store/store.js';
import { checkCount } from '../store/support/arguments.js';
import { decodeCursor, encodeCursor } from '../store/support/cursor.js';
import { TimeIndex } from './time-index.js';

export function scheduleKeyOf(tenant: string, id: string): string {
  return keyOf(tenant, id);
}

function keyOf(tenant: string, id: string): string {
  return `${tenant}\u0000${id}`;
}

/**
 * Schedules by (tenant, id), with an index of the unpaused ones by `nextFireAt` for
 * `dueSchedules` and `nextDueAt`. Rows are the store's own objects: callers clone.
 */
export class ScheduleTable {
  private readonly rows = new Map<string, Schedule>();
  private readonly due = new TimeIndex<string>();
  /** How many schedules each tenant holds, for the per-tenant limit. */
  private readonly counts = new Map<string, number>();

  get(tenant: string, id: string): Schedule | undefined {
    return this.rows.get(keyOf(tenant, id));
  }

  countOf(tenant: string): number {
    return this.counts.get(tenant) ?? 0;
  }

  /** Inserts or replaces, and files the schedule under its next fire when it is due at all. */
  put(schedule: Schedule): void {
    const key = keyOf(schedule.tenant, schedule.id);
    if (!this.rows.has(key)) this.counted(schedule.tenant, 1);
    this.rows.set(key, schedule);
    if (!schedule.paused && schedule.nextFireAt !== undefined) this.due.set(key, schedule.nextFireAt);
    else this.due.delete(key);
  }

  delete(tenant: string, id: string): boolean {
    const key = keyOf(tenant, id);
    this.due.delete(key);
    if (!this.rows.delete(key)) return false;
    this.counted(tenant, -1);
    return true;
  }

  private counted(tenant: string, change: number): void {
    const count = this.countOf(tenant) + change;
    if (count > 0) this.counts.set(tenant, count);
    else this.counts.delete(tenant);
  }

  /** Every schedule, in the order they were first put (for snapshots). */
  all(): Schedule[] {
    return [...this.rows.values()];
  }

  /** The due index as [tenant, id, nextFireAt], earliest first (for snapshots). */
  dueEntries(): [string, string, number][] {
    const entries: [string, string, number][] = [];
    for (const [key, at] of this.due.entries()) {
      const schedule = this.rows.get(key);
      if (schedule !== undefined) entries.push([schedule.tenant, schedule.id, at]);
    }
    return entries;
  }

  /** Replaces everything with a snapshot's schedules and due index (in its order). */
  restore(schedules: Iterable<Schedule>, due: Iterable<readonly [string, string, number]>): void {
    this.rows.clear();
    this.counts.clear();
    for (const schedule of schedules) {
      const key = keyOf(schedule.tenant, schedule.id);
      if (!this.rows.has(key)) this.counted(schedule.tenant, 1);
      this.rows.set(key, schedule);
    }
    this.due.restore([...due].map(([tenant, id, at]) => [keyOf(tenant, id), at] as const));
  }

  // ── for `doctor` (doctor-schedules.ts), which checks the index and counts against the rows ──

  /** Every schedule by its key (`scheduleKeyOf`). */
  rowEntries(): [string, Schedule][] {
    return [...this.rows];
  }

  /** The due index as [key, instant], earliest first. */
  dueKeys(): [string, number][] {
    return this.due.entries();
  }

  /** Whether the due index's heap holds every key filed (else one may never be found due). */
  dueHeapHoldsAll(): boolean {
    return this.due.heapHoldsAll();
  }

  /** Files a schedule's due entry again from its row; drops a key with no row. */
  refileDue(key: string): void {
    const schedule = this.rows.get(key);
    if (schedule !== undefined && !schedule.paused && schedule.nextFireAt !== undefined) {
      this.due.set(key, schedule.nextFireAt);
    } else {
      this.due.delete(key);
    }
  }

  /** Rebuilds the due index's heap from its entries, keeping their order. */
  rebuildDueHeap(): void {
    this.due.restore(this.due.entries());
  }

  /** The per-tenant counts as kept. */
  keptCounts(): ReadonlyMap<string, number> {
    return this.counts;
  }

  /** Recounts the schedules of each tenant from the rows. */
  recount(): void {
    this.counts.clear();
    for (const schedule of this.rows.values()) this.counted(schedule.tenant, 1);
  }

  earliestDue(): number | undefined {
    return this.due.peek();
  }

  /** Unpaused schedules with `nextFireAt <= now`, earliest first (ties in the order they were set). */
  dueAt(now: number, limit: number): Schedule[] {
    const schedules: Schedule[] = [];
    for (const key of this.due.listDue(now, limit)) {
      const schedule = this.rows.get(key);
      if (schedule !== undefined) schedules.push(schedule);
    }
    return schedules;
  }

  /** By tenant, then id (code-unit order); across all tenants when none is given. */
  list(query: ScheduleQuery): { schedules: Schedule[]; nextCursor: SchedulePage['nextCursor'] } {
    const limit = checkCount('limit', query.limit, 1);
    let after: [string, string] | undefined;
    if (query.cursor !== undefined) {
      const [tenant, id] = decodeCursor(query.cursor, 'ss');
      after = [String(tenant), String(id)];
    }
    const matching = [...this.rows.values()]
      .filter((s) => query.tenant === undefined || s.tenant === query.tenant)
      .filter((s) => after === undefined || compareKeys([s.tenant, s.id], after) > 0)
      .sort((a, b) => compareKeys([a.tenant, a.id], [b.tenant, b.id]));
    const page = matching.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = matching.length > limit && last !== undefined ? encodeCursor([last.tenant, last.id]) : undefined;
    return { schedules: page, nextCursor };
  }
}

function compareKeys(a: readonly [string, string], b: readonly [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}
