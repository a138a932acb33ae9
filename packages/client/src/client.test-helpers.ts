/**
 * The client's tests run against a real redis-server (one per test file, from
 * store-redis's harness), with a fresh key prefix per test so that tests never see each
 * other's keys. Beside the client, each test gets a second store on the same prefix that
 * plays the worker: it claims and settles through `createRedisStore` directly, as a
 * worker process would, so the client sees only what crossed Redis.
 */
import {
  type ClaimedJob,
  definedOnly,
  type Job,
  type ListedJob,
  realClock,
  type Store,
  withEvents,
} from '@cadenza/core';
import { createRedisStore } from '@cadenza/store-redis';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { CadenzaClient, type CadenzaClientOptions, type ListJobsQuery } from './client.js';
import { createClient } from './create-client.js';

export interface ClientFixture {
  /** This test's client. */
  readonly client: CadenzaClient;
  /** A store on the same Redis and prefix, acting as a worker. */
  readonly worker: Store;
  /** Another client on this test's prefix (with its own options); closed after the test. */
  open(options?: Omit<CadenzaClientOptions, 'store'>, wrap?: (store: Store) => Store): CadenzaClient;
}

export function clientFixture(): ClientFixture {
  let redis: RedisHarness | undefined;
  let prefix = '';
  let opened: { close(): Promise<void> }[] = [];
  let current: { client: CadenzaClient; worker: Store } | undefined;
  const url = (): string => {
    if (redis === undefined) throw new Error('redis runs only inside the test file');
    return redis.url;
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(() => {
    prefix = redis?.prefix() ?? '';
    const client = createClient({ url: url(), prefix });
    // The worker tells the cluster's event log what it does, as a worker process does.
    const raw = createRedisStore({ url: url(), prefix });
    const worker = withEvents(raw, raw.eventLog());
    opened.push(client, worker);
    current = { client, worker };
  });
  afterEach(async () => {
    const all = opened;
    opened = [];
    current = undefined;
    await Promise.all(all.map((c) => c.close()));
  });
  const now = (): { client: CadenzaClient; worker: Store } => {
    if (current === undefined) throw new Error('the client exists only inside a test');
    return current;
  };
  return {
    get client() {
      return now().client;
    },
    get worker() {
      return now().worker;
    },
    open(options = {}, wrap = (store) => store) {
      const client = new CadenzaClient({ ...options, store: wrap(createRedisStore({ url: url(), prefix })) });
      opened.push(client);
      return client;
    },
  };
}

type Outcome = { result: unknown } | { error: { code: string; message: string } };

/** Claims everything waiting (up to 100 jobs), as a worker would. */
export function claimAll(worker: Store): Promise<ClaimedJob[]> {
  return worker.claim({ workerId: 'test-worker', limit: 100, leaseMs: 30_000, now: realClock.now() });
}

/** Claims what is waiting and returns the job `id` among it (the others stay active). */
export async function claim(worker: Store, id: string): Promise<ClaimedJob> {
  const job = (await claimAll(worker)).find((j) => j.id === id);
  expect(job, `job ${id} among the claimed ones`).toBeDefined();
  return job as ClaimedJob;
}

/** Ends a claimed job's attempt as a worker would. */
export async function finish(worker: Store, job: ClaimedJob, outcome: Outcome): Promise<void> {
  const { id: jobId, lease } = job;
  const settlement =
    'result' in outcome
      ? { jobId, token: lease.token, outcome: 'succeeded' as const, result: outcome.result }
      : { jobId, token: lease.token, outcome: 'failed' as const, error: outcome.error };
  expect(await worker.settle([settlement], realClock.now())).toEqual(['ok']);
}

/** Claims the job and ends its attempt. */
export async function runJob(worker: Store, id: string, outcome: Outcome): Promise<void> {
  await finish(worker, await claim(worker, id), outcome);
}

/** Every job a query lists, page after page until `nextCursor` is undefined (a page may be short). */
export async function listAll(client: CadenzaClient, query: ListJobsQuery = {}): Promise<ListedJob[]> {
  const jobs: ListedJob[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listJobs({ ...query, ...definedOnly({ cursor }) });
    jobs.push(...page.jobs);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return jobs;
}

/** The job, which must exist. */
export async function mustGet(client: CadenzaClient, id: string): Promise<Job> {
  const job = await client.getJob(id);
  expect(job, `job ${id}`).toBeDefined();
  return job as Job;
}

/** Awaits a promise that must reject with a CadenzaError of `code` (and `field`, when given). */
export async function expectRefusal(promise: Promise<unknown>, code: string, field?: string): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'a refusal').toBeInstanceOf(Error);
  expect(error).toMatchObject(field === undefined ? { code } : { code, field });
  return error as Error;
}
