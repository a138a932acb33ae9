import type { Attempt } from './attempt.js';

const NONE: readonly Attempt[] = [];

/**
 * A worker's capacity: at most `total` jobs running (its `concurrency`), at most a
 * handler's own `concurrency` of one name running at once, and at most `total + prefetch`
 * jobs in hand. `Store.claim` cannot be asked for "only these names", so a claimed job
 * whose handler is at its limit waits here (FIFO, in claim order), holding its lease and a
 * place in hand, until it may start; so does a prefetched job, until a slot frees.
 */
export class Slots {
  private inHand = 0;
  private running = 0;
  /** Jobs in hand beyond `total`, claimed ahead so that the next one is ready (see Worker). */
  prefetch = 0;
  private readonly started = new Set<Attempt>();
  private readonly runningByName = new Map<string, number>();
  private readonly waiting: Attempt[] = [];

  constructor(
    private readonly total: number,
    private readonly limitOf: (name: string) => number | undefined,
  ) {}

  /** How many more jobs this worker may take in hand. */
  get free(): number {
    return this.total + this.prefetch - this.inHand;
  }

  /** Takes a place for a claimed attempt: true when it may start now, false when it waits its turn. */
  take(attempt: Attempt): boolean {
    this.inHand++;
    // Those waiting cannot start (their handler is at its limit, or every slot is busy),
    // so one that can start now takes no place from them.
    if (this.mayStart(attempt)) {
      this.start(attempt);
      return true;
    }
    this.waiting.push(attempt);
    return false;
  }

  /**
   * Gives an attempt's place back. When it was running and `promote` is set, the waiting
   * attempts that may start now are counted as running and returned, for the caller to
   * start (first come first served, skipping those whose handler is at its limit).
   */
  give(attempt: Attempt, promote: boolean): readonly Attempt[] {
    this.inHand--;
    if (!this.started.delete(attempt)) {
      const at = this.waiting.indexOf(attempt);
      if (at >= 0) this.waiting.splice(at, 1);
      return NONE;
    }
    this.running--;
    const { name } = attempt.job;
    this.runningByName.set(name, (this.runningByName.get(name) ?? 1) - 1);
    if (!promote) return NONE;
    // In place, and an array only when one starts: this runs for every job, and a worker
    // that claims ahead holds up to a claim batch here.
    let next: Attempt[] | undefined;
    for (let i = 0; i < this.waiting.length && this.running < this.total; ) {
      const candidate = this.waiting[i] as Attempt;
      if (this.mayStart(candidate)) {
        this.waiting.splice(i, 1);
        this.start(candidate);
        if (next === undefined) next = [];
        next.push(candidate);
      } else {
        i++;
      }
    }
    return next ?? NONE;
  }

  private mayStart(attempt: Attempt): boolean {
    if (this.running >= this.total) return false;
    const limit = this.limitOf(attempt.job.name);
    return limit === undefined || (this.runningByName.get(attempt.job.name) ?? 0) < limit;
  }

  private start(attempt: Attempt): void {
    this.started.add(attempt);
    this.running++;
    const { name } = attempt.job;
    this.runningByName.set(name, (this.runningByName.get(name) ?? 0) + 1);
  }
}
