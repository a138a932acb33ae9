import {
  type ActivityMinute,
  type ActivityQuery,
  CadenzaError,
  type ClaimedJob,
  type ClaimRequest,
  type DoctorOptions,
  type DoctorReport,
  type EnqueueResult,
  type Fence,
  type FireResult,
  type HeartbeatEntry,
  invalidArgument,
  type Job,
  type JobPage,
  type JobQuery,
  type Leadership,
  type LeaseState,
  type NewJob,
  type NodeReport,
  type NodeReportInput,
  type PastAttempt,
  type QueueDepth,
  type RecoveryResult,
  type RetentionPolicy,
  type Schedule,
  type ScheduleDefinition,
  type ScheduleFire,
  type SchedulePage,
  type ScheduleQuery,
  type Settlement,
  type Store,
  type StoreSignal,
  type UpsertScheduleOptions,
  type UpsertScheduleResult,
} from '@cadenza/core';
import { gatesOf, tenantLimitsOf } from '@cadenza/core/store-kit';
import { createContext, type RedisContext } from '../context.js';
import { RedisEventLog } from '../events/redis-event-log.js';
import { leaderLockKey } from '../keys.js';
import { Scripts } from '../scripts/call.js';
import { cancelJob, retryJob } from './cancel-retry.js';
import { Claimer } from './claim.js';
import { checkTopology, connect } from './connect.js';
import * as dashboard from './dashboard-reads.js';
import { depths } from './depths.js';
import { redisDoctor } from './doctor/doctor.js';
import { enqueueJobs } from './enqueue.js';
import { EnqueueCoalescer } from './enqueue-coalescer.js';
import { getJobs } from './get-jobs.js';
import { heartbeat } from './heartbeat.js';
import {
  acquireLeadership,
  getLeadership,
  recordLeaderTick,
  releaseLeadership,
  renewLeadership,
} from './leadership.js';
import { listJobs } from './list-jobs.js';
import * as nodes from './nodes.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_DURABLE_WRITES_TIMEOUT_MS, type RedisStoreOptions } from './options.js';
import { LockQuorum } from './redlock.js';
import * as schedules from './schedules.js';
import { settle } from './settle.js';
import { SignalListeners } from './signals.js';
import { storeError } from './store-errors.js';
import { checkTls, tlsOptions } from './tls.js';
import * as upkeep from './upkeep.js';

export type { RedisStoreOptions, RedisTls, SentinelOptions } from './options.js';

/** core's `Store` on Redis: see README.md for the key layout and the scripts. */
export function createRedisStore(options: RedisStoreOptions = {}): RedisStore {
  return new RedisStore(options);
}

export class RedisStore implements Store {
  private readonly ctx: RedisContext;
  private readonly claimer: Claimer;
  private readonly enqueuer: EnqueueCoalescer;
  private readonly signals: SignalListeners;
  private readonly ownsClient: boolean;
  /** The Redlock instances of `lockUrls`; none: the lease script on the data Redis decides alone. */
  private readonly locks: LockQuorum | undefined;
  private closed = false;
  /** Why our own connection last failed (a refused certificate, say), cleared once it is ready. */
  private lastFault: Error | undefined;

  constructor(options: RedisStoreOptions = {}) {
    const prefix = options.prefix ?? 'cz';
    if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) {
      throw new CadenzaError('invalid_argument', `prefix: got ${JSON.stringify(prefix)}, expected [A-Za-z0-9_.-]+`);
    }
    // Checked before connecting: bad limits refuse the store without opening a client.
    const limitsOf = tenantLimitsOf(options.tenantLimits ?? {});
    const gates = gatesOf(options);
    checkTls(options);
    checkTopology(options);
    this.ownsClient = options.redis === undefined;
    const timeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    if (!Number.isInteger(timeout) || timeout < 1) {
      throw invalidArgument('commandTimeoutMs', timeout, 'a whole number of milliseconds from 1');
    }
    const redis =
      options.redis ??
      connect(options, timeout, (fault) => {
        this.lastFault = fault;
      });
    this.ctx = createContext(redis, (pipeline) => new Scripts(redis, undefined, pipeline), prefix, {
      replicas: options.durableWrites ?? 0,
      timeoutMs: options.durableWritesTimeoutMs ?? DEFAULT_DURABLE_WRITES_TIMEOUT_MS,
    });
    this.signals = new SignalListeners(this.ctx);
    this.claimer = new Claimer(this.ctx, options.tenantWeights ?? {}, limitsOf, gates, (ms, now) =>
      this.signals.readyIn(ms, now),
    );
    this.enqueuer = new EnqueueCoalescer((jobs, now) => enqueueJobs(this.ctx, jobs, now, gates));
    const lockUrls = options.lockUrls ?? [];
    this.locks =
      lockUrls.length === 0
        ? undefined
        : new LockQuorum({ urls: lockUrls, key: leaderLockKey(prefix), ...tlsOptions(options.tls) });
  }

  /** Runs a call unless the store is closed, with Redis faults mapped to CadenzaErrors. */
  private async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.closed) throw new CadenzaError('unavailable', 'the redis store is closed');
    const subscribing = this.signals.pending;
    if (subscribing !== undefined) await subscribing;
    try {
      return await call();
    } catch (error) {
      const mapped = storeError(error);
      // "max retries reached" says nothing of why: a refused certificate or password does.
      if (mapped instanceof CadenzaError && mapped.code === 'unavailable' && this.lastFault !== undefined) {
        throw new CadenzaError('unavailable', `redis is unavailable: ${this.lastFault.message}`, { cause: error });
      }
      throw mapped;
    }
  }

  enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> {
    return this.run(() => this.enqueuer.enqueue(jobs, now));
  }
  cancel(id: string, now: number): Promise<Job> {
    return this.run(() => cancelJob(this.ctx, id, now));
  }
  retry(id: string, now: number): Promise<Job> {
    return this.run(() => retryJob(this.ctx, id, now));
  }
  async getJob(id: string): Promise<Job | undefined> {
    return (await this.run(() => getJobs(this.ctx, [id])))[0];
  }
  getJobs(ids: readonly string[]): Promise<(Job | undefined)[]> {
    return this.run(() => getJobs(this.ctx, ids));
  }
  listJobs(query: JobQuery): Promise<JobPage> {
    return this.run(() => listJobs(this.ctx, query));
  }
  depths(): Promise<QueueDepth[]> {
    return this.run(() => depths(this.ctx));
  }
  activity(query: ActivityQuery): Promise<ActivityMinute[]> {
    return this.run(() => dashboard.activity(this.ctx, query));
  }
  pastAttempts(id: string): Promise<PastAttempt[]> {
    return this.run(() => dashboard.pastAttempts(this.ctx, id));
  }

  claim(request: ClaimRequest): Promise<ClaimedJob[]> {
    return this.run(() => this.claimer.claim(request));
  }
  heartbeat(entries: readonly HeartbeatEntry[], leaseMs: number, now: number): Promise<LeaseState[]> {
    return this.run(() => heartbeat(this.ctx, entries, leaseMs, now));
  }
  settle(settlements: readonly Settlement[], now: number): Promise<LeaseState[]> {
    return this.run(() => settle(this.ctx, settlements, now));
  }

  acquireLeadership(nodeId: string, ttlMs: number, now: number): Promise<Leadership | undefined> {
    return this.run(() => acquireLeadership(this.ctx, nodeId, ttlMs, now, this.locks));
  }
  renewLeadership(fence: Fence, ttlMs: number, now: number): Promise<Leadership | undefined> {
    return this.run(() => renewLeadership(this.ctx, fence, ttlMs, now, this.locks));
  }
  releaseLeadership(fence: Fence): Promise<void> {
    return this.run(() => releaseLeadership(this.ctx, fence, this.locks));
  }
  getLeadership(now: number): Promise<Leadership | undefined> {
    return this.run(() => getLeadership(this.ctx, now));
  }
  recordLeaderTick(fence: Fence, now: number): Promise<void> {
    return this.run(() => recordLeaderTick(this.ctx, fence, now));
  }

  reportNode(node: NodeReportInput, now: number): Promise<void> {
    return this.run(() => nodes.reportNode(this.ctx, node, now));
  }
  listNodes(now: number): Promise<NodeReport[]> {
    return this.run(() => nodes.listNodes(this.ctx, now));
  }
  forgetNode(id: string): Promise<void> {
    return this.run(() => nodes.forgetNode(this.ctx, id));
  }

  promoteDelayed(fence: Fence, now: number, limit: number): Promise<number> {
    return this.run(() => upkeep.promoteDelayed(this.ctx, fence, now, limit));
  }
  releaseDependents(fence: Fence, now: number, limit: number): Promise<number> {
    return this.run(() => upkeep.releaseDependents(this.ctx, fence, now, limit));
  }
  recoverExpiredLeases(fence: Fence, now: number, limit: number): Promise<RecoveryResult> {
    return this.run(() => upkeep.recoverExpiredLeases(this.ctx, fence, now, limit));
  }
  applyRetention(fence: Fence, policy: RetentionPolicy, now: number): Promise<number> {
    return this.run(() => upkeep.applyRetention(this.ctx, fence, policy, now));
  }
  nextDueAt(): Promise<number | undefined> {
    return this.run(() => upkeep.nextDueAt(this.ctx));
  }

  upsertSchedule(
    definition: ScheduleDefinition,
    now: number,
    options?: UpsertScheduleOptions,
  ): Promise<UpsertScheduleResult> {
    return this.run(() => schedules.upsertSchedule(this.ctx, definition, now, options));
  }
  getSchedule(tenant: string, id: string): Promise<Schedule | undefined> {
    return this.run(() => schedules.getSchedule(this.ctx, tenant, id));
  }
  listSchedules(query: ScheduleQuery): Promise<SchedulePage> {
    return this.run(() => schedules.listSchedules(this.ctx, query));
  }
  deleteSchedule(tenant: string, id: string): Promise<boolean> {
    return this.run(() => schedules.deleteSchedule(this.ctx, tenant, id));
  }
  setSchedulePaused(tenant: string, id: string, paused: boolean, now: number): Promise<Schedule> {
    return this.run(() => schedules.setSchedulePaused(this.ctx, tenant, id, paused, now));
  }
  triggerSchedule(tenant: string, id: string, now: number): Promise<Job> {
    return this.run(() => schedules.triggerSchedule(this.ctx, tenant, id, now));
  }
  dueSchedules(now: number, limit: number): Promise<Schedule[]> {
    return this.run(() => schedules.dueSchedules(this.ctx, now, limit));
  }
  recordFires(fence: Fence, fires: readonly ScheduleFire[], now: number): Promise<FireResult[]> {
    return this.run(() => schedules.recordFires(this.ctx, fence, fires, now));
  }

  subscribe(listener: (signal: StoreSignal) => void): () => void {
    return this.signals.subscribe(listener);
  }

  /** Checks the key layout's invariants, tenant by tenant in bounded chunks (doctor/doctor.ts). */
  doctor(options: DoctorOptions): Promise<DoctorReport> {
    return this.run(() => redisDoctor(this.ctx, options));
  }

  /**
   * Rejects with `unavailable` when Redis does not answer, and with an error naming the
   * version when it is older than 7.0 (no Functions). Loads the library when missing, so
   * that a process that pings at start finds out then, not at its first job.
   */
  async ping(): Promise<void> {
    await this.run(async () => {
      await this.ctx.redis.ping();
      await this.ctx.scripts.ready();
    });
  }

  /**
   * The cluster's event log on this store's connection (one stream per prefix): every
   * process wraps its store with core's `withEvents(store, log)` to tell it what it did.
   */
  eventLog(options: { maxEvents?: number; onError?: (error: unknown) => void } = {}): RedisEventLog {
    return new RedisEventLog(this.ctx, options.maxEvents, options.onError);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.signals.close();
    await this.locks?.close();
    if (this.ownsClient) await this.ctx.redis.quit().catch(() => this.ctx.redis.disconnect());
  }
}
