import type { Job, JobStatus } from '../model/job.js';
import { JobListing } from './job-listing.js';

/** Index key of an idempotency key: unique within a tenant. */
export function idempotencyIndexKey(tenant: string, key: string): string {
  return `i\u0000${tenant}\u0000${key}`;
}

/** Index key of a schedule's fire: (scheduleId, scheduledFor) is unique within a tenant. */
export function fireIndexKey(tenant: string, scheduleId: string, scheduledFor: number): string {
  return `f\u0000${tenant}\u0000${scheduleId}\u0000${scheduledFor}`;
}

/** The unique keys a job holds while it is kept: its idempotency key and its fire. */
export function uniqueKeysOf(job: Pick<Job, 'tenant' | 'idempotencyKey' | 'scheduleId' | 'scheduledFor'>): string[] {
  const keys: string[] = [];
  if (job.idempotencyKey !== undefined) keys.push(idempotencyIndexKey(job.tenant, job.idempotencyKey));
  if (job.scheduleId !== undefined && job.scheduledFor !== undefined) {
    keys.push(fireIndexKey(job.tenant, job.scheduleId, job.scheduledFor));
  }
  return keys;
}

/**
 * Jobs by id, with the indexes that live and die with them: unique keys (idempotency keys
 * and schedule fires, which map to the job holding them while it is kept), the children
 * of each parent (for `dependsOn`) and the listing (job-listing.ts; job-states.ts tells it
 * of status changes). Status indexes (ready queues, delayed, leases) are kept by
 * job-states.ts. Rows are the store's own objects: callers clone on the way out.
 */
export class JobTable {
  private readonly rows = new Map<string, Job>();
  private readonly unique = new Map<string, string>();
  private readonly children = new Map<string, Set<string>>();
  /** Every job in list order, and by tenant, status, name and tag, for listJobs. */
  readonly listing = new JobListing();

  get size(): number {
    return this.rows.size;
  }

  get(id: string): Job | undefined {
    return this.rows.get(id);
  }

  values(): IterableIterator<Job> {
    return this.rows.values();
  }

  /** The job holding a unique key (see `uniqueKeysOf`), if it is kept. */
  holderOf(uniqueKey: string): Job | undefined {
    const id = this.unique.get(uniqueKey);
    return id === undefined ? undefined : this.rows.get(id);
  }

  childrenOf(id: string): ReadonlySet<string> {
    return this.children.get(id) ?? EMPTY;
  }

  hasChildren(id: string): boolean {
    return (this.children.get(id)?.size ?? 0) > 0;
  }

  insert(job: Job): void {
    this.rows.set(job.id, job);
    for (const key of uniqueKeysOf(job)) this.unique.set(key, job.id);
    for (const parent of job.dependsOn) {
      let set = this.children.get(parent);
      if (set === undefined) {
        set = new Set();
        this.children.set(parent, set);
      }
      set.add(job.id);
    }
    this.listing.insert(job);
  }

  /** Removes a job and its index entries (its keys become free again). */
  delete(id: string): void {
    const job = this.rows.get(id);
    if (job === undefined) return;
    this.rows.delete(id);
    for (const key of uniqueKeysOf(job)) {
      if (this.unique.get(key) === id) this.unique.delete(key);
    }
    for (const parent of job.dependsOn) {
      const set = this.children.get(parent);
      set?.delete(id);
      if (set?.size === 0) this.children.delete(parent);
    }
    this.children.delete(id);
    this.listing.delete(job);
  }

  /** Keeps the listing in step with a status change (job-states.ts calls it for every one). */
  statusChanged(job: Job, from: JobStatus): void {
    this.listing.statusChanged(job, from);
  }

  /**
   * Replaces everything with a snapshot's contents (see state-snapshot.ts): the rows, and
   * the unique-key and children indexes exactly as they were (a deleted parent's children
   * are not listed again, so they are restored as given rather than rebuilt).
   */
  restore(jobs: Iterable<Job>, unique: Iterable<[string, string]>, children: Iterable<[string, string[]]>): void {
    this.rows.clear();
    this.unique.clear();
    this.children.clear();
    for (const job of jobs) this.rows.set(job.id, job);
    for (const [key, id] of unique) this.unique.set(key, id);
    for (const [parent, ids] of children) if (ids.length > 0) this.children.set(parent, new Set(ids));
    this.listing.restore(this.rows.values());
  }

  // ── for `doctor` (doctor-links.ts), which checks these indexes against the rows ──

  /** The unique-key index as [key, job id]. */
  uniqueEntries(): [string, string][] {
    return [...this.unique];
  }

  /** Files `key` under job `id` (a repair: the job holds the key and nobody else does). */
  setUnique(key: string, id: string): void {
    this.unique.set(key, id);
  }

  /** Drops a key that names no job holding it (a repair). */
  dropUnique(key: string): void {
    this.unique.delete(key);
  }

  /**
   * Rebuilds the children index from the rows: each kept job under each kept parent it
   * names, in row (insertion) order, which is the order `insert` added them in. A deleted
   * parent has no entry, as `delete` leaves it.
   */
  rebuildChildren(): void {
    this.children.clear();
    for (const job of this.rows.values()) {
      for (const parent of job.dependsOn) {
        if (!this.rows.has(parent)) continue;
        let set = this.children.get(parent);
        if (set === undefined) {
          set = new Set();
          this.children.set(parent, set);
        }
        set.add(job.id);
      }
    }
  }

  /** The children index as [parent, children in insertion order] (for snapshots). */
  childEntries(): [string, string[]][] {
    return [...this.children].map(([parent, ids]) => [parent, [...ids]]);
  }
}

const EMPTY: ReadonlySet<string> = new Set();
