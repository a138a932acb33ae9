import type { Job, JobStatus } from '../model/job.js';
import { type ListPosition, newestFirst } from '../store/support/job-query.js';

/**
 * The memory store's indexes for listJobs: every job in list order, and the same order
 * per tenant, per status, per name and per tag, so that a page is read from the list of
 * its most selective filter instead of sorting or scanning every job.
 *
 * Each list is kept oldest first, so that a new job (the newest, nearly always) is an
 * append, and read backwards. Removal is lazy: a job that leaves a list (deleted, or on
 * to another status) keeps its entry, marked departed, until departed entries outnumber
 * the others and the list is compacted.
 */
export class JobListing {
  private readonly lists = new Map<string, OrderedJobs>();

  /** Files a job just added, under its tenant, status, name and tags. */
  insert(job: Job): void {
    for (const key of keysOf(job)) this.list(key).add(job);
  }

  /** Forgets a job that is deleted. */
  delete(job: Job): void {
    for (const key of keysOf(job)) this.lists.get(key)?.remove(job);
  }

  /** Moves a job from its previous status's list to its current one's. */
  statusChanged(job: Job, from: JobStatus): void {
    if (from === job.status) return;
    this.lists.get(statusKey(from))?.remove(job);
    this.list(statusKey(job.status)).add(job);
  }

  /** Rebuilds every list from `jobs` (after a snapshot was restored). */
  restore(jobs: Iterable<Job>): void {
    this.lists.clear();
    const unsorted = new Map<string, Job[]>();
    for (const job of jobs) {
      for (const key of keysOf(job)) {
        const list = unsorted.get(key);
        if (list === undefined) unsorted.set(key, [job]);
        else list.push(job);
      }
    }
    for (const [key, list] of unsorted) this.lists.set(key, OrderedJobs.of(list));
  }

  /**
   * The shortest list that holds every job matching the filters given (each filter has a
   * list of its own); empty when a filter matches no job. Readers check the other filters.
   */
  narrowest(filters: { tenant?: string; status?: JobStatus; name?: string; tag?: string }): OrderedJobs {
    const keys = [ALL];
    if (filters.tenant !== undefined) keys.push(`t\u0000${filters.tenant}`);
    if (filters.status !== undefined) keys.push(statusKey(filters.status));
    if (filters.name !== undefined) keys.push(`n\u0000${filters.name}`);
    if (filters.tag !== undefined) keys.push(`g\u0000${filters.tag}`);
    let best: OrderedJobs | undefined;
    for (const key of keys) {
      const list = this.lists.get(key);
      if (list === undefined) return EMPTY;
      if (best === undefined || list.length < best.length) best = list;
    }
    return best ?? EMPTY;
  }

  /**
   * Jobs the lists disagree with (`doctor`): a job of `jobs` missing from a list its tenant,
   * status, name or tags put it in, or listed where they do not (a job no longer kept
   * counts too). Repaired by `restore(jobs)`.
   */
  misfiled(jobs: Iterable<Job>): string[] {
    const expected = new Map<string, Set<Job>>();
    for (const job of jobs) {
      for (const key of keysOf(job)) {
        const set = expected.get(key);
        if (set === undefined) expected.set(key, new Set([job]));
        else set.add(job);
      }
    }
    const wrong = new Set<string>();
    for (const key of new Set([...expected.keys(), ...this.lists.keys()])) {
      const want = expected.get(key) ?? new Set<Job>();
      const have = new Set(this.lists.get(key)?.newestFirst(undefined) ?? []);
      for (const job of want) if (!have.has(job)) wrong.add(job.id);
      for (const job of have) if (!want.has(job)) wrong.add(job.id);
    }
    return [...wrong];
  }

  private list(key: string): OrderedJobs {
    let list = this.lists.get(key);
    if (list === undefined) {
      list = new OrderedJobs();
      this.lists.set(key, list);
    }
    return list;
  }
}

const ALL = 'all';

function statusKey(status: JobStatus): string {
  return `s\u0000${status}`;
}

function keysOf(job: Job): string[] {
  const keys = [ALL, `t\u0000${job.tenant}`, statusKey(job.status), `n\u0000${job.name}`];
  for (const tag of new Set(job.tags)) keys.push(`g\u0000${tag}`);
  return keys;
}

/**
 * Jobs oldest first by (createdAt, id), with lazy removal (see JobListing). `departed`
 * holds the jobs that left but still have an entry: readers skip them, a job coming back
 * (failed, then retried into waiting again) revives its entry rather than adding a second,
 * and compaction drops them once they outnumber the jobs that stay.
 */
export class OrderedJobs {
  private entries: Job[] = [];
  private readonly departed = new Set<Job>();

  static of(jobs: Job[]): OrderedJobs {
    const list = new OrderedJobs();
    list.entries = jobs.sort((a, b) => newestFirst(b, a));
    return list;
  }

  /** Entries, departed ones included: about what a reader may have to step over. */
  get length(): number {
    return this.entries.length;
  }

  add(job: Job): void {
    if (this.departed.delete(job)) return;
    const last = this.entries[this.entries.length - 1];
    if (last === undefined || newestFirst(job, last) < 0) this.entries.push(job);
    else this.entries.splice(this.countOlder(job), 0, job);
  }

  remove(job: Job): void {
    this.departed.add(job);
    if (this.departed.size > 32 && this.departed.size * 2 > this.entries.length) {
      this.entries = this.entries.filter((entry) => !this.departed.has(entry));
      this.departed.clear();
    }
  }

  /** The jobs newest first, starting strictly after `after` (from the newest when absent). */
  *newestFirst(after: ListPosition | undefined): Generator<Job> {
    // Entries ascend, so the ones after `after` in list order (older) are those below it.
    const start = after === undefined ? this.entries.length : this.countOlder(after);
    for (let i = start - 1; i >= 0; i--) {
      const job = this.entries[i];
      if (job !== undefined && !this.departed.has(job)) yield job;
    }
  }

  /** How many entries are older than `position`, by binary search. */
  private countOlder(position: ListPosition): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const entry = this.entries[mid];
      if (entry !== undefined && newestFirst(entry, position) > 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

const EMPTY = new OrderedJobs();
