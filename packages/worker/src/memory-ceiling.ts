import type { Clock, Logger } from '@cadenza/core';

/** How often the ceiling reads the process's memory: cheap, but not per job. */
const CHECK_EVERY_MS = 100;

/**
 * A worker's memory ceiling: above it the worker claims nothing new (running jobs go on),
 * so a leaky or greedy handler makes its worker step back before the OOM killer takes it
 * and every lease it holds. Crossing it either way is logged once.
 */
export class MemoryCeiling {
  private checkedAt = Number.NEGATIVE_INFINITY;
  private over = false;

  constructor(
    private readonly maxBytes: number,
    private readonly usedBytes: () => number,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** False while the process is above the ceiling. */
  allowsClaims(): boolean {
    const now = this.clock.now();
    if (now - this.checkedAt < CHECK_EVERY_MS) return !this.over;
    this.checkedAt = now;
    const used = this.usedBytes();
    const over = used > this.maxBytes;
    if (over !== this.over) {
      const mb = { usedMb: Math.round(used / 2 ** 20), maxMemoryMb: Math.round(this.maxBytes / 2 ** 20) };
      if (over) this.log.warn(mb, 'above the memory ceiling: claiming nothing new until memory falls');
      else this.log.info(mb, 'below the memory ceiling again: claiming');
      this.over = over;
    }
    return !over;
  }
}
