/**
 * The cadenza processes the browser tests look at: one `cadenza dev` on a SQLite file, or a
 * cluster (redis-server, one coordinator, one worker, one server with a tokens file), started
 * once per test file and shared by its tests. Both run the handlers of fixture/handlers.mjs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JobInput, prepareJobs, realClock, type Store } from '@cadenza/core';
import { hashToken } from '@cadenza/server';
import { createRedisStore } from '@cadenza/store-redis';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import {
  assertBuilt,
  BIN,
  type Cadenza,
  startCadenza,
  startCommand,
  startDev,
  waitFor,
} from '../process/cadenza-process.js';

export const HANDLERS = join(import.meta.dirname, 'fixture', 'handlers.mjs');

/** Calls the HTTP API of `base` with an optional token; the body parsed as JSON. */
export async function api<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  { body, token }: { body?: unknown; token?: string } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** The error message the API answers for a request it refuses (the app must show the same). */
export async function refusal(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<string> {
  const answer = await api<{ error?: { message?: string } }>(base, method, path, options);
  const message = answer.body.error?.message;
  if (answer.status < 400 || message === undefined)
    throw new Error(`expected ${method} ${path} to be refused, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return message;
}

/** Enqueues one job through the API; its id. */
export async function enqueue(base: string, job: Record<string, unknown>, token?: string): Promise<string> {
  const answer = await api<{ id: string }>(base, 'POST', '/v1/jobs', { body: job, ...(token ? { token } : {}) });
  if (answer.status !== 201) throw new Error(`enqueue answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.id;
}

/** Waits until the job `id` is `status` (per the API); the job. */
export async function waitForJob(
  base: string,
  id: string,
  status: string,
  token?: string,
): Promise<Record<string, unknown>> {
  let job: Record<string, unknown> = {};
  await waitFor(
    () => `job ${id} to be ${status} (last seen ${JSON.stringify(job)})`,
    async () => {
      job = (await api(base, 'GET', `/v1/jobs/${encodeURIComponent(id)}`, token ? { token } : {})).body;
      return job.status === status;
    },
  );
  return job;
}

/** A free TCP port on 127.0.0.1 (so a process can be started again on the same one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface DevNode {
  node: Cadenza;
  /** The API's base URL. */
  url: string;
  /** Scratch folder: the SQLite file, gate files. */
  dir: string;
  stop(): Promise<void>;
}

/**
 * `cadenza dev` on a SQLite file in a temp dir, with the fixture's handlers and `schedules`
 * (a schedules file's content), plus `args`.
 */
export async function startDevNode(schedules: Record<string, unknown>, args: readonly string[] = []): Promise<DevNode> {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-browser-dev-'));
  const schedulesFile = join(dir, 'schedules.json');
  writeFileSync(schedulesFile, JSON.stringify(schedules));
  const node = await startDev([
    '--store',
    `sqlite:${join(dir, 'cadenza.db')}`,
    '--handlers',
    HANDLERS,
    '--schedules',
    schedulesFile,
    '--log-level',
    'warn',
    ...args,
  ]);
  return {
    node,
    url: node.url,
    dir,
    async stop() {
      node.proc.kill('SIGKILL');
      await node.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const TOKENS = {
  admin: 'cz_browser_admin',
  /** Reads tenant acme only. */
  acmeReader: 'cz_browser_acme_reader',
} as const;

export interface ClusterNodes {
  redis: RedisHarness;
  /** The Redis store, for writes while the server is down. */
  store: Store;
  coordinator: Cadenza;
  worker: Cadenza;
  server: Cadenza;
  /** The server's base URL; the same across `restartServer`. */
  url: string;
  dir: string;
  /** SIGKILLs the server (its clients' connections drop); resolves once it exited. */
  killServer(): Promise<void>;
  /** Starts the server again on the same port. */
  startServer(): Promise<Cadenza>;
  enqueueInStore(inputs: readonly JobInput[]): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * A cluster on a fresh redis-server: coordinator `coord-1`, worker `worker-1` (the fixture's
 * handlers, `workerArgs`), and a `cadenza server` with two tokens (TOKENS) on a fixed port.
 */
export async function startClusterNodes(workerArgs: readonly string[] = []): Promise<ClusterNodes> {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-browser-cluster-'));
  const redis = await startRedis();
  const prefix = redis.prefix();
  const store = createRedisStore({ url: redis.url, prefix });
  const tokensFile = join(dir, 'tokens.json');
  writeFileSync(
    tokensFile,
    JSON.stringify({
      tokens: [
        { name: 'admin', sha256: hashToken(TOKENS.admin), tenants: '*', scopes: ['read', 'write', 'admin'] },
        { name: 'acme-reader', sha256: hashToken(TOKENS.acmeReader), tenants: ['acme'], scopes: ['read'] },
      ],
    }),
  );
  const common = ['--redis', redis.url, '--prefix', prefix, '--log-level', 'warn', '--report-every-ms', '500'];
  const port = await freePort();
  const serverArgs = [
    BIN,
    'server',
    ...common,
    '--id',
    'server-1',
    '--port',
    String(port),
    '--tokens-file',
    tokensFile,
  ];
  const started: Cadenza[] = [];
  const launch = async (start: Promise<Cadenza>) => {
    const node = await start;
    started.push(node);
    return node;
  };
  const coordinator = await launch(startCadenza('coordinator', [...common, '--id', 'coord-1']));
  const worker = await launch(
    startCadenza('worker', [...common, '--id', 'worker-1', '--handlers', HANDLERS, ...workerArgs]),
  );
  const startServer = () => launch(startCommand('server', process.execPath, serverArgs));
  const nodes: ClusterNodes = {
    redis,
    store,
    coordinator,
    worker,
    server: await startServer(),
    url: `http://127.0.0.1:${port}`,
    dir,
    async killServer() {
      nodes.server.proc.kill('SIGKILL');
      await nodes.server.exited;
    },
    async startServer() {
      nodes.server = await startServer();
      return nodes.server;
    },
    async enqueueInStore(inputs) {
      const now = realClock.now();
      return (await store.enqueue(prepareJobs(inputs, now), now)).map((r) => r.id);
    },
    async stop() {
      for (const node of started) {
        if (node.proc.exitCode === null && node.proc.signalCode === null) node.proc.kill('SIGKILL');
        await node.exited;
      }
      await store.close();
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (nodes.server.url !== nodes.url) throw new Error(`the server listens on ${nodes.server.url}, not ${nodes.url}`);
  return nodes;
}
