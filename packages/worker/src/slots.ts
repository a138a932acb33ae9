import type { Attempt } from './attempt.js';

/**
 * A worker's capacity: at most `total` jobs in hand (its `concurrency`), and at most a
 * handler's own `concurrency` of one name running at once. `Store.claim` cannot be asked
 * for "only these names", so a claimed job whose handler is at its limit waits here in
 * its name's queue (FIFO), holding its lease and a slot, until a job of that name ends.
 */
export class Slots {
  private used = 0;
  private readonly started = new Set<Attempt>();
  private readonly runningByName = new Map<string, number>();
  private readonly queued = new Map<string, Attempt[]>();

  constructor(
    private readonly total: number,
    private readonly limitOf: (name: string) => number | undefined,
  ) {}

  get free(): number {
    return this.total - this.used;
  }

  /** Takes a slot for a claimed attempt: true when it may start now, false when it must wait its turn. */
  take(attempt: Attempt): boolean {
    this.used++;
    const { name } = attempt.job;
    const limit = this.limitOf(name);
    if (limit !== undefined && (this.runningByName.get(name) ?? 0) >= limit) {
      const queue = this.queued.get(name);
      if (queue === undefined) this.queued.set(name, [attempt]);
      else queue.push(attempt);
      return false;
    }
    this.start(attempt);
    return true;
  }

  /**
   * Gives an attempt's slot back. When it was running and `promote` is set, the next
   * waiting attempt of the same name is counted as running and returned, for the caller
   * to start.
   */
  give(attempt: Attempt, promote: boolean): Attempt | undefined {
    this.used--;
    const { name } = attempt.job;
    if (!this.started.delete(attempt)) {
      const queue = this.queued.get(name);
      if (queue !== undefined)
        this.queued.set(
          name,
          queue.filter((a) => a !== attempt),
        );
      return undefined;
    }
    this.runningByName.set(name, (this.runningByName.get(name) ?? 1) - 1);
    if (!promote) return undefined;
    const next = this.queued.get(name)?.shift();
    if (next !== undefined) this.start(next);
    return next;
  }

  private start(attempt: Attempt): void {
    this.started.add(attempt);
    const { name } = attempt.job;
    this.runningByName.set(name, (this.runningByName.get(name) ?? 0) + 1);
  }
}
