import { Redis } from 'ioredis';
import { Scripts } from '../scripts/call.js';
import { isTooOld } from '../scripts/loader.js';
import type { RedisTls } from './options.js';
import { tlsOptions } from './tls.js';

/*
 * Redlock (https://redis.io/docs/latest/develop/use/patterns/distributed-locks/) over the
 * independent Redis instances of `lockUrls`: the coordinator lock is held when a majority
 * of them hold it for this node. Written here rather than taken from
 * `@sesamecare-oss/redlock` because that library picks the lock value itself (a random
 * token) while ours must name the node and its fencing epoch, reads `Date.now()` where our
 * stores take `now` from the caller's clock, and retries on its own schedule where the
 * coordinator has its own backoff. The algorithm is small: ask every instance at once
 * (each with a short timeout), count the yeses, undo a minority.
 *
 * The fencing epoch is not the lock's: it always comes from the data Redis (INCR in
 * lua/leadership-acquire.lua), and every leader write is checked against it there. The
 * lock only decides who may take the next epoch.
 */

export interface LockQuorumOptions {
  urls: readonly string[];
  /** The key on every lock instance (`P:leader-lock`). */
  key: string;
  /** How long one instance may take to answer before it counts as a no. Default 250 ms. */
  timeoutMs?: number;
  /** Certificates for the instances (all rediss://): the same as the data Redis's. */
  tls?: RedisTls;
}

export class LockQuorum {
  private readonly instances: { redis: Redis; scripts: Scripts }[];
  private readonly key: string;

  constructor(options: LockQuorumOptions) {
    this.key = options.key;
    const timeoutMs = options.timeoutMs ?? 250;
    this.instances = options.urls.map((url) => {
      const redis = new Redis(url, {
        ...tlsOptions(options.tls),
        // A lock instance that is down costs a short timeout (it counts as a no), never a
        // queue of retries. The timeout also covers a call queued while connecting; if such
        // a call reaches the instance later anyway, it is harmless: acquire takes at most a
        // minority (and only till its expiry), renew and release compare node and epoch.
        commandTimeout: timeoutMs,
        maxRetriesPerRequest: 0,
        retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
      });
      // A failure counts as that instance's "no"; the event alone would crash the process.
      redis.on('error', () => undefined);
      return { redis, scripts: new Scripts(redis) };
    });
  }

  /** A strict majority of the instances. */
  get quorum(): number {
    return Math.floor(this.instances.length / 2) + 1;
  }

  /** Takes the lock (epoch pending) on a majority, or undoes what it took and says no. */
  async acquire(nodeId: string, ttlMs: number, now: number): Promise<boolean> {
    const yes = await this.count('lock-acquire', [nodeId, now, now + ttlMs, ttlMs]);
    if (yes >= this.quorum) return true;
    await this.release(nodeId, 0);
    return false;
  }

  /** Extends this node's lock and writes its epoch; true when a majority still holds it. */
  async renew(nodeId: string, epoch: number, ttlMs: number, now: number): Promise<boolean> {
    return (await this.count('lock-renew', [nodeId, epoch, now, now + ttlMs, ttlMs])) >= this.quorum;
  }

  /** Deletes this node's lock wherever it is held (best effort: an instance down keeps it until its expiry). */
  async release(nodeId: string, epoch: number): Promise<void> {
    await this.count('lock-release', [nodeId, epoch]);
  }

  async close(): Promise<void> {
    await Promise.all(this.instances.map(({ redis }) => redis.quit().catch(() => redis.disconnect())));
  }

  /** Runs a lock script on every instance at once; how many answered 1. */
  private async count(script: string, args: readonly (string | number)[]): Promise<number> {
    const answers = await Promise.allSettled(
      this.instances.map(({ redis, scripts }) => scripts.call(redis, script, [this.key], args) as Promise<unknown>),
    );
    // An instance that is down is a "no"; one too old for Functions is a mistake to report,
    // or the coordinators would wait for a quorum forever without saying why.
    for (const answer of answers) {
      if (answer.status === 'rejected' && isTooOld(answer.reason)) throw answer.reason;
    }
    return answers.filter((a) => a.status === 'fulfilled' && Number(a.value) === 1).length;
  }
}
