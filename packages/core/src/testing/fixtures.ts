/**
 * Builders and helpers shared by the conformance suite. Jobs and schedules are built by
 * hand (not through core's schemas), so the suite states what a store must do with any
 * valid NewJob or ScheduleDefinition. Time is a fixed epoch passed as `now`: no clock.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import type { ErrorCode } from '../errors.js';
import { newJobId } from '../model/ids.js';
import type { ClaimedJob, Job, NewJob } from '../model/job.js';
import type { Schedule, ScheduleDefinition } from '../model/schedule.js';
import type { Fence, JobQuery, ListedJob, Settlement, Store } from '../store/store.js';
import type { SharingOptions } from '../store/support/sharing.js';
import { definedOnly } from '../util/defined-only.js';

export const T0 = Date.UTC(2026, 0, 1);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const LEASE_MS = 30 * SECOND;

/** What a conformance test may ask of a fresh store: the options every store takes. */
export type StoreOptions = SharingOptions;

export interface StoreHarness {
  /** A fresh, empty store; honouring `tenantWeights` unless `supportsTenantWeights` is false. */
  create(options?: StoreOptions): Promise<Store>;
  /** Set false for a store that cannot weight tenants: the weighted fairness tests are skipped. */
  supportsTenantWeights?: boolean;
  /** Set false for a store that never calls `subscribe` listeners (allowed): the signal tests are skipped. */
  supportsSignals?: boolean;
  /** True for stores that have the optional `recordLeaderTick` (checked against the store). */
  keepsLeaderTicks?: boolean;
  /**
   * False for a store without the optional reads of the dashboard (`activity`,
   * `pastAttempts`, a schedule's `lastJobId`): their tests are skipped. Checked against
   * the store.
   */
  keepsDashboardReads?: boolean;
}

/** A fresh store per test (closed after it), plus any more a test asks for. */
export interface Fixture {
  readonly harness: StoreHarness;
  /** This test's store. */
  readonly store: Store;
  /** Another store, with options; closed after the test too. */
  create(options?: StoreOptions): Promise<Store>;
}

export function storeFixture(harness: StoreHarness): Fixture {
  let current: Store | undefined;
  let opened: Store[] = [];
  beforeEach(async () => {
    current = await harness.create();
    opened.push(current);
  });
  afterEach(async () => {
    const stores = opened;
    opened = [];
    current = undefined;
    await Promise.all(stores.map((s) => s.close()));
  });
  return {
    harness,
    get store(): Store {
      if (current === undefined) throw new Error('the store exists only inside a test');
      return current;
    },
    async create(options?: StoreOptions): Promise<Store> {
      const store = await harness.create(options);
      opened.push(store);
      return store;
    },
  };
}

/** A valid NewJob of tenant `acme` unless told otherwise. */
export function newJob(fields: Partial<NewJob> = {}, now = T0): NewJob {
  const tenant = fields.tenant ?? 'acme';
  return {
    id: newJobId(tenant, now),
    name: 'email.send',
    tenant,
    payload: { to: 'someone@example.com' },
    priority: 5,
    tags: [],
    maxAttempts: 1,
    backoff: undefined,
    timeoutMs: undefined,
    idempotencyKey: undefined,
    dependsOn: [],
    runAt: undefined,
    scheduleId: undefined,
    scheduledFor: undefined,
    ...fields,
  };
}

/** Enqueues one job and returns its id. */
export async function enqueueOne(store: Store, fields: Partial<NewJob> = {}, now = T0): Promise<string> {
  const [result] = await store.enqueue([newJob(fields, now)], now);
  if (result === undefined) throw new Error('enqueue answered nothing');
  return result.id;
}

/** Enqueues `count` jobs of one tenant, one call each (so in a known order), returning their ids. */
export async function enqueueMany(
  store: Store,
  count: number,
  fields: Partial<NewJob> = {},
  now = T0,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await enqueueOne(store, fields, now));
  return ids;
}

export async function claimJobs(
  store: Store,
  limit: number,
  now = T0,
  workerId = 'w1',
  tenants?: string[],
): Promise<ClaimedJob[]> {
  return store.claim({ workerId, limit, leaseMs: LEASE_MS, now, ...definedOnly({ tenants }) });
}

/** Claims exactly one job and fails the test otherwise. */
export async function claimOne(store: Store, now = T0, workerId = 'w1'): Promise<ClaimedJob> {
  const [job, extra] = await claimJobs(store, 1, now, workerId);
  expect(job).toBeDefined();
  expect(extra).toBeUndefined();
  if (job === undefined) throw new Error('nothing to claim');
  return job;
}

export function succeeded(job: Pick<ClaimedJob, 'id' | 'lease'>, result: unknown = 'done'): Settlement {
  return { jobId: job.id, token: job.lease.token, outcome: 'succeeded', result };
}

export function failed(job: Pick<ClaimedJob, 'id' | 'lease'>, retryAt?: number): Settlement {
  const error = { code: 'handler_error', message: 'it broke' };
  return retryAt === undefined
    ? { jobId: job.id, token: job.lease.token, outcome: 'failed', error }
    : { jobId: job.id, token: job.lease.token, outcome: 'failed', error, retryAt };
}

export async function getJob(store: Store, id: string): Promise<Job> {
  const job = await store.getJob(id);
  expect(job, `job ${id}`).toBeDefined();
  if (job === undefined) throw new Error(`job ${id} is missing`);
  return job;
}

export async function statusOf(store: Store, id: string): Promise<string | undefined> {
  return (await store.getJob(id))?.status;
}

/**
 * Every job the query matches, newest first, through the pages of listJobs: read until
 * `nextCursor` is undefined, however short a page is (a store may stop early). Fails the
 * test if the cursor does not move on, rather than looping forever.
 */
export async function allJobs(
  store: Store,
  query: Omit<JobQuery, 'limit' | 'cursor'> & { limit?: number } = {},
): Promise<ListedJob[]> {
  const jobs: ListedJob[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listJobs({ limit: 100, ...query, ...definedOnly({ cursor }) });
    expect(page.jobs.length).toBeLessThanOrEqual(query.limit ?? 100);
    if (page.nextCursor !== undefined && page.nextCursor === cursor) throw new Error('listJobs gave back its cursor');
    jobs.push(...page.jobs);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return jobs;
}

/** Takes the leader lease for `nodeId` and returns its fence. */
export async function lead(store: Store, nodeId = 'c1', now = T0, ttlMs = LEASE_MS): Promise<Fence> {
  const lease = await store.acquireLeadership(nodeId, ttlMs, now);
  expect(lease).toBeDefined();
  if (lease === undefined) throw new Error(`${nodeId} could not lead`);
  return { nodeId: lease.nodeId, epoch: lease.epoch };
}

/** Calls releaseDependents (`limit` a call) until it has nothing left to do; returns the total changed. */
export async function releaseAll(store: Store, fence: Fence, now = T0, limit = 100): Promise<number> {
  let total = 0;
  for (let round = 0; round < 1000; round++) {
    const changed = await store.releaseDependents(fence, now, limit);
    total += changed;
    if (changed === 0) return total;
  }
  throw new Error('releaseDependents never ran out of work');
}

/** Awaits a promise that must reject with a cadenza error of `code`; returns the error. */
export async function expectRefusal(promise: Promise<unknown>, code: ErrorCode): Promise<Error & { code: string }> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a refusal with code ${code}`).toBeInstanceOf(Error);
  expect(error).toMatchObject({ code });
  return error as Error & { code: string };
}

/** A schedule definition (an `every` minute trigger unless told otherwise). */
export function scheduleDefinition(fields: Partial<ScheduleDefinition> = {}): ScheduleDefinition {
  return {
    id: 'digest',
    tenant: 'acme',
    trigger: { kind: 'every', every: MINUTE, startAt: undefined },
    job: {
      name: 'report.digest',
      payload: { period: 'minute' },
      priority: 5,
      tags: ['reports'],
      maxAttempts: 1,
      backoff: undefined,
      timeoutMs: undefined,
    },
    misfire: 'once',
    maxCatchUp: 100,
    misfireGraceMs: MINUTE,
    paused: false,
    ...fields,
  };
}

/** Upserts a definition and returns the stored schedule. */
export async function putSchedule(store: Store, fields: Partial<ScheduleDefinition> = {}, now = T0): Promise<Schedule> {
  const { schedule } = await store.upsertSchedule(scheduleDefinition(fields), now);
  return schedule;
}
