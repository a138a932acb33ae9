import type { ClaimedJob, ClaimRequest, EnqueueResult, Job, LeaseState, NewJob, Settlement } from '@cadenza/core';
import type { Redis } from 'ioredis';
import { Claimer } from './claim.js';
import { createContext, type RedisContext } from './context.js';
import { enqueueJobs } from './enqueue.js';
import { getJob } from './get-job.js';
import { Scripts } from './scripts/call.js';
import { settleJobs } from './settle.js';

export interface RedisJobQueueOptions {
  /** A connected ioredis client; the queue registers its scripts on it and never closes it. */
  redis: Redis;
  /** Prefix of every key, so that deployments can share a Redis. Default `cz`. */
  prefix?: string;
}

/**
 * The ready-job path of the Redis store (enqueue → claim → settle succeeded), the first
 * piece of `createRedisStore`. Same signatures as the matching `Store` methods. See
 * README.md for the key layout.
 */
export class RedisJobQueue {
  private readonly ctx: RedisContext;
  private readonly claimer: Claimer;

  constructor(options: RedisJobQueueOptions) {
    const prefix = options.prefix ?? 'cz';
    if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) {
      throw new RangeError(`prefix ${JSON.stringify(prefix)} must match [A-Za-z0-9_.-]+`);
    }
    this.ctx = createContext(options.redis, new Scripts(options.redis), prefix);
    this.claimer = new Claimer(this.ctx);
  }

  enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> {
    return enqueueJobs(this.ctx, jobs, now);
  }

  claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    return this.claimer.claim(request);
  }

  settle(settlements: readonly Settlement[], now: number): Promise<LeaseState[]> {
    return settleJobs(this.ctx, settlements, now);
  }

  getJob(id: string): Promise<Job | undefined> {
    return getJob(this.ctx, id);
  }
}
