import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort, nodeArgs, spawnRedisServer, stopServer } from './redis-server.js';

/**
 * A real Sentinel topology for one test file: a primary, `replicas` replicas of it and
 * three sentinels watching it under `name` (quorum 2, down after 1 s), every process on a
 * free port of 127.0.0.1. The primary can be SIGKILLed and the failover the sentinels then
 * run waited for.
 */
export interface SentinelHarness {
  /** `redis://127.0.0.1:PORT` of the three sentinels. */
  sentinelUrls: string[];
  /** The name the sentinels know the primary by. */
  name: string;
  /** The port of the primary the sentinels name now (SENTINEL get-master-addr-by-name). */
  primaryPort(): Promise<number>;
  /** SIGKILLs the current primary and answers its port, for `waitForFailover`. */
  killPrimary(): Promise<number>;
  /**
   * Waits until every live sentinel names a primary other than `oldPort` and that node
   * answers ROLE master; answers its port.
   */
  waitForFailover(oldPort: number, timeoutMs?: number): Promise<number>;
  /**
   * Waits until the primary on `port` has `count` replicas streaming from it (after a
   * failover, the sentinels repoint the surviving replicas one by one).
   */
  waitForReplicas(port: number, count: number, timeoutMs?: number): Promise<void>;
  /** A fresh random prefix, so tests never see each other's keys. */
  prefix(): string;
  /** Stops every process still running and removes the temp dir; safe to call twice. */
  stop(): Promise<void>;
}

export interface SentinelTopologyOptions {
  /** Replicas of the primary (default 1). */
  replicas?: number;
  /** Append-only files on every data node (default off). */
  appendOnly?: boolean;
}

interface Node {
  port: number;
  process: ChildProcess | undefined;
}

// Sentinel timings kept short so that a failover fits a test: the primary is judged down
// after 1 s, and a failover that stalls is retried after 5 s.
const DOWN_AFTER_MS = 1000;
const FAILOVER_TIMEOUT_MS = 5000;
const POLL_MS = 100;

export async function startRedisSentinel(options: SentinelTopologyOptions = {}): Promise<SentinelHarness> {
  const replicas = options.replicas ?? 1;
  const name = `cz${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'cz-sentinel-'));
  const data: Node[] = [];
  const sentinels: Node[] = [];
  const stopAll = async () => {
    // Sentinels first, so that none starts a failover while the data nodes go down.
    for (const node of [...sentinels, ...data]) {
      if (node.process !== undefined) await stopServer(node.process);
      node.process = undefined;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const primaryPort = await freePort();
    data.push({ port: primaryPort, process: await spawnData(primaryPort, dir, options, undefined) });
    for (let i = 0; i < replicas; i++) {
      const port = await freePort();
      data.push({ port, process: await spawnData(port, dir, options, primaryPort) });
    }
    // The replicas must be online before the sentinels start: a sentinel learns them from
    // the primary's INFO, which it reads at once and then only every 10 s.
    await waitForReplicas(primaryPort, replicas, 30_000);
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const conf = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 2`,
          `sentinel down-after-milliseconds ${name} ${DOWN_AFTER_MS}`,
          `sentinel failover-timeout ${name} ${FAILOVER_TIMEOUT_MS}`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      sentinels.push({ port, process: await spawnRedisServer([conf, '--sentinel'], port) });
    }
    await waitForSentinels(sentinels, name, primaryPort, replicas);
  } catch (error) {
    await stopAll();
    throw error;
  }

  const liveSentinels = () => sentinels.filter((node) => node.process !== undefined);
  const named = async (port: number): Promise<number | undefined> => {
    const answer = await ask(port, (r) => r.call('SENTINEL', 'get-master-addr-by-name', name)).catch(() => undefined);
    return Array.isArray(answer) ? Number(answer[1]) : undefined;
  };

  const harness: SentinelHarness = {
    sentinelUrls: sentinels.map((node) => `redis://127.0.0.1:${node.port}`),
    name,
    async primaryPort() {
      for (const sentinel of liveSentinels()) {
        const port = await named(sentinel.port);
        if (port !== undefined) return port;
      }
      throw new Error(`no sentinel names a primary for ${name}`);
    },
    async killPrimary() {
      const port = await harness.primaryPort();
      const node = data.find((n) => n.port === port);
      if (node?.process === undefined) throw new Error(`the primary on port ${port} is not running`);
      const exited = new Promise((resolve) => node.process?.once('exit', resolve));
      node.process.kill('SIGKILL');
      await exited;
      node.process = undefined;
      return port;
    },
    async waitForFailover(oldPort, timeoutMs = 30_000) {
      // Counted polls rather than a clock: the harness waits on the servers, not on time.
      for (let polls = Math.ceil(timeoutMs / POLL_MS); polls > 0; polls--) {
        const ports = await Promise.all(liveSentinels().map((sentinel) => named(sentinel.port)));
        const port = ports[0];
        if (port !== undefined && port !== oldPort && ports.every((p) => p === port)) {
          const role = await ask(port, (r) => r.call('ROLE')).catch(() => undefined);
          if (Array.isArray(role) && role[0] === 'master') return port;
        }
        await sleep(POLL_MS);
      }
      throw new Error(`the sentinels did not fail ${name} over from port ${oldPort}`);
    },
    waitForReplicas: (port, count, timeoutMs = 30_000) => waitForReplicas(port, count, timeoutMs),
    prefix: () => `czt${randomBytes(4).toString('hex')}`,
    stop: stopAll,
  };
  return harness;
}

/** One short-lived connection for one admin command; never retried, never left open. */
async function ask<T>(port: number, call: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
    commandTimeout: 1000,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await call(redis);
  } finally {
    redis.disconnect();
  }
}

async function waitForReplicas(port: number, count: number, timeoutMs: number): Promise<void> {
  for (let polls = Math.ceil(timeoutMs / POLL_MS); polls > 0; polls--) {
    const info = await ask(port, (r) => r.info('replication')).catch(() => '');
    const online = [...info.matchAll(/^slave\d+:.*state=online/gm)].length;
    if (/^role:master/m.test(info) && online >= count) return;
    await sleep(POLL_MS);
  }
  throw new Error(`the primary on port ${port} did not get ${count} online replicas`);
}

/**
 * Waits until every sentinel names the primary, sees every replica up with its link ok
 * and knows the two other sentinels (without them no quorum could elect a failover leader).
 */
async function waitForSentinels(sentinels: Node[], name: string, primaryPort: number, replicas: number) {
  const ready = async (port: number) =>
    ask(port, async (r) => {
      const primary = (await r.call('SENTINEL', 'get-master-addr-by-name', name)) as string[] | null;
      if (primary === null || Number(primary[1]) !== primaryPort) return false;
      const seen = ((await r.call('SENTINEL', 'replicas', name)) as string[][]).map(fieldsOf);
      const up = seen.filter((replica) => replica.flags === 'slave' && replica['master-link-status'] === 'ok');
      const others = (await r.call('SENTINEL', 'sentinels', name)) as string[][];
      return up.length >= replicas && others.length >= sentinels.length - 1;
    }).catch(() => false);
  // Sentinels find each other by hello messages, every 2 s: a few seconds in all.
  for (let polls = 300; polls > 0; polls--) {
    const all = await Promise.all(sentinels.map((node) => ready(node.port)));
    if (all.every(Boolean)) return;
    await sleep(POLL_MS);
  }
  throw new Error(`the sentinels did not come to see ${name} on port ${primaryPort} and its replicas`);
}

/** SENTINEL's flat `[field, value, field, value…]` replies as an object. */
function fieldsOf(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] ?? ''] = flat[i + 1] ?? '';
  return fields;
}

async function spawnData(
  port: number,
  dir: string,
  options: SentinelTopologyOptions,
  replicaOf: number | undefined,
): Promise<ChildProcess> {
  const args = nodeArgs(port, dir, options.appendOnly === true);
  if (replicaOf !== undefined) args.push('--replicaof', '127.0.0.1', String(replicaOf));
  return spawnRedisServer(args, port);
}
