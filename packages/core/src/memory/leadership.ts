import { StaleEpochError } from '../errors.js';
import type { Fence, Leadership } from '../store/store.js';

/**
 * The leader lease and its fencing epoch.
 *
 * - acquire: a free or expired lease goes to the caller with a new epoch (the highest
 *   ever given + 1, so epochs only grow, even across releases). The holder asking again
 *   before expiry renews it with the same epoch. Another holder's live lease: undefined.
 * - renew: only by the holder's exact fence, and only before expiry. An expired lease is
 *   not revived, even if nobody took it: the holder may already have stepped down on its
 *   own deadline, and a fresh `acquire` (new epoch) is the clear way back.
 * - fenced writes (`check`) pass while the fence is the latest holder's, even past expiry:
 *   an expired lease that nobody has taken over harms no one, and the moment another node
 *   acquires (or the holder releases) the old epoch is refused. Expiry is the leader's own
 *   business (it stops acting at its deadline); the epoch is what protects the data.
 */
export class LeaderLease {
  private holder: Leadership | undefined;
  private lastEpoch = 0;

  acquire(nodeId: string, ttlMs: number, now: number): Leadership | undefined {
    const held = this.holder;
    if (held !== undefined && held.expiresAt > now) {
      if (held.nodeId !== nodeId) return undefined;
      held.expiresAt = now + ttlMs;
      return { ...held };
    }
    this.lastEpoch += 1;
    this.holder = { nodeId, epoch: this.lastEpoch, expiresAt: now + ttlMs };
    return { ...this.holder };
  }

  renew(fence: Fence, ttlMs: number, now: number): Leadership | undefined {
    const held = this.holder;
    if (held === undefined || !sameFence(held, fence) || held.expiresAt <= now) return undefined;
    held.expiresAt = now + ttlMs;
    return { ...held };
  }

  /** Gives the lease up; a fence that does not hold it changes nothing. */
  release(fence: Fence): void {
    if (this.holder !== undefined && sameFence(this.holder, fence)) this.holder = undefined;
  }

  current(now: number): Leadership | undefined {
    const held = this.holder;
    return held !== undefined && held.expiresAt > now ? { ...held } : undefined;
  }

  /** The holder (even if expired) and the highest epoch given (for snapshots). */
  state(): { holder: Leadership | undefined; lastEpoch: number } {
    return { holder: this.holder === undefined ? undefined : { ...this.holder }, lastEpoch: this.lastEpoch };
  }

  restore(holder: Leadership | undefined, lastEpoch: number): void {
    this.holder = holder === undefined ? undefined : { ...holder };
    this.lastEpoch = Math.max(lastEpoch, holder?.epoch ?? 0);
  }

  /** Throws `StaleEpochError` unless `fence` is the current holder's (see the class comment). */
  check(fence: Fence): void {
    const held = this.holder;
    if (held === undefined || !sameFence(held, fence)) {
      throw new StaleEpochError(fence.epoch, held?.epoch);
    }
  }
}

function sameFence(a: Fence, b: Fence): boolean {
  return a.nodeId === b.nodeId && a.epoch === b.epoch;
}
