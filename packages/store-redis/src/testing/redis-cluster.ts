import { type ChildProcess, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { freePort, nodeArgs, spawnRedisServer, stopServer } from './redis-server.js';

const run = promisify(execFile);

/**
 * A real Redis Cluster for one test file: `primaries` redis-servers with
 * `--cluster-enabled yes`, each with `replicas` replicas, joined by `redis-cli --cluster
 * create` and waited for until every node says `cluster_state:ok`. Nodes can be killed
 * (SIGKILL) to make a replica take over, and the slots of a key moved to another primary.
 */
export interface ClusterHarness {
  /** `redis://127.0.0.1:PORT` of every node, primaries first: any of them seeds a client. */
  urls: string[];
  /** A fresh random prefix, so tests never see each other's keys. */
  prefix(): string;
  /** A new Cluster client; closed by `stop()`. */
  client(): Cluster;
  /** The ports of the primaries serving slots now, by the first live node's CLUSTER NODES. */
  primaries(): Promise<number[]>;
  /** The port of the primary serving a key now. */
  primaryOf(key: string): Promise<number>;
  /** SIGKILLs a node; `waitForOk` then waits for its slots to be served again. */
  kill(port: number): Promise<void>;
  /**
   * Starts a killed node again from its own files, as its supervisor would: it rejoins as
   * a replica of the node that took its place (`waitForOk` waits for its link to be up).
   */
  restart(port: number): Promise<void>;
  /** Waits until every slot is served by a live primary, every live node agrees and every replica is in sync. */
  waitForOk(timeoutMs?: number): Promise<void>;
  /**
   * Moves the slot of `key` to the primary on `to` the way an operator does: SETSLOT
   * IMPORTING/MIGRATING, MIGRATE of its keys in batches of `batch` (with `pause` between
   * batches, so that traffic meets the slot half moved), then SETSLOT NODE on every primary.
   */
  moveSlot(key: string, to: number, options?: { batch?: number; pauseMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  primaries?: number;
  /** Replicas of each primary (default 0). */
  replicas?: number;
  /** Append-only files on (default off): a restarted or promoted node keeps what it had. */
  appendOnly?: boolean;
  /** `cluster-node-timeout` in ms (default 1,000): how soon a dead primary is failed over. */
  nodeTimeoutMs?: number;
}

interface Node {
  port: number;
  process: ChildProcess | undefined;
}

export async function startRedisCluster(options: ClusterOptions = {}): Promise<ClusterHarness> {
  const primaries = options.primaries ?? 3;
  const replicas = options.replicas ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'cz-cluster-'));
  const nodes: Node[] = [];
  const clients: (Cluster | Redis)[] = [];
  try {
    for (let i = 0; i < primaries * (1 + replicas); i++) {
      const port = await freePort();
      nodes.push({ port, process: await spawnNode(port, dir, options) });
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...nodes.map((node) => `127.0.0.1:${node.port}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
  } catch (error) {
    for (const node of nodes) if (node.process !== undefined) await stopServer(node.process);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const live = () => nodes.filter((node) => node.process !== undefined);
  const admin = (port: number) => {
    const redis = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1, lazyConnect: true });
    redis.on('error', () => {});
    return redis;
  };
  const ask = async <T>(port: number, call: (redis: Redis) => Promise<T>): Promise<T> => {
    const redis = admin(port);
    try {
      return await call(redis);
    } finally {
      redis.disconnect();
    }
  };
  const clusterNodes = async (port: number) => parseClusterNodes(String(await ask(port, (r) => r.cluster('NODES'))));

  const harness: ClusterHarness = {
    urls: nodes.map((node) => `redis://127.0.0.1:${node.port}`),
    prefix: () => `czt${randomBytes(4).toString('hex')}`,
    client() {
      const cluster = new Cluster(
        live().map((node) => ({ host: '127.0.0.1', port: node.port })),
        { redisOptions: { maxRetriesPerRequest: 2 } },
      );
      cluster.on('error', () => {});
      clients.push(cluster);
      return cluster;
    },
    async primaries() {
      const first = live()[0];
      if (first === undefined) throw new Error('no live node');
      // Primaries that serve slots: just after the cluster is made, a node may not yet have
      // heard that another became a replica, and lists it as a primary without slots.
      return (await clusterNodes(first.port))
        .filter((n) => n.primary && !n.failed && n.slots.length > 0)
        .map((n) => n.port);
    },
    async primaryOf(key) {
      const first = live()[0];
      if (first === undefined) throw new Error('no live node');
      const slot = Number(await ask(first.port, (r) => r.cluster('KEYSLOT', key)));
      const owner = (await clusterNodes(first.port)).find(
        (n) => n.primary && !n.failed && n.slots.some(([from, to]) => slot >= from && slot <= to),
      );
      if (owner === undefined) throw new Error(`no primary serves slot ${slot}`);
      return owner.port;
    },
    async kill(port) {
      const node = nodes.find((n) => n.port === port);
      if (node?.process === undefined) throw new Error(`no live node on port ${port}`);
      const exited = new Promise((resolve) => node.process?.once('exit', resolve));
      node.process.kill('SIGKILL');
      await exited;
      node.process = undefined;
    },
    async restart(port) {
      const node = nodes.find((n) => n.port === port);
      if (node === undefined || node.process !== undefined) throw new Error(`no killed node on port ${port}`);
      node.process = await spawnNode(port, dir, options);
    },
    async waitForOk(timeoutMs = 30_000) {
      // Counted polls rather than a clock: a harness waits on the servers, not on time.
      for (let polls = Math.ceil(timeoutMs / 100); ; polls--) {
        const views = await Promise.all(
          live().map((node) =>
            ask(node.port, async (r) => ({
              info: String(await r.cluster('INFO')),
              nodes: parseClusterNodes(String(await r.cluster('NODES'))),
              replication: await r.info('replication'),
            })).catch(() => undefined),
          ),
        );
        const ok = views.every(
          (view) =>
            view !== undefined &&
            /cluster_state:ok/.test(view.info) &&
            // A replica still copying its primary's data would fail every WAIT meanwhile.
            (!/role:slave/.test(view.replication) || /master_link_status:up/.test(view.replication)) &&
            view.nodes.filter((n) => n.primary && !n.failed).reduce((sum, n) => sum + slotCount(n.slots), 0) === 16384,
        );
        if (ok) return;
        if (polls <= 0) throw new Error('redis cluster did not come back to cluster_state:ok');
        await sleep(100);
      }
    },
    async moveSlot(key, to, { batch = 10, pauseMs = 20 } = {}) {
      const from = await harness.primaryOf(key);
      if (from === to) return;
      const slot = Number(await ask(from, (r) => r.cluster('KEYSLOT', key)));
      const id = async (port: number) => String(await ask(port, (r) => r.cluster('MYID')));
      const [fromId, toId] = [await id(from), await id(to)];
      await ask(to, (r) => r.cluster('SETSLOT', slot, 'IMPORTING', fromId));
      await ask(from, (r) => r.cluster('SETSLOT', slot, 'MIGRATING', toId));
      for (;;) {
        const keys = (await ask(from, (r) => r.cluster('GETKEYSINSLOT', slot, batch))) as string[];
        if (keys.length === 0) break;
        await ask(from, (r) => r.migrate('127.0.0.1', to, '', 0, 5000, 'KEYS', ...keys));
        await sleep(pauseMs);
      }
      for (const port of [to, from, ...(await harness.primaries())]) {
        await ask(port, (r) => r.cluster('SETSLOT', slot, 'NODE', toId));
      }
    },
    async stop() {
      for (const client of clients.splice(0)) client.disconnect();
      for (const node of nodes) {
        if (node.process !== undefined) await stopServer(node.process);
        node.process = undefined;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await harness.waitForOk();
  return harness;
}

/** A node's arguments: the same at every start, so that a restarted node finds its own files. */
function spawnNode(port: number, dir: string, options: ClusterOptions): Promise<ChildProcess> {
  const args = [
    ...nodeArgs(port, dir, options.appendOnly === true),
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    `nodes-${port}.conf`,
    '--cluster-node-timeout',
    String(options.nodeTimeoutMs ?? 1000),
    // A replica (re)joining copies its primary at once rather than after the default 5 s.
    '--repl-diskless-sync-delay',
    '0',
  ];
  return spawnRedisServer(args, port);
}

interface ClusterNode {
  port: number;
  primary: boolean;
  failed: boolean;
  slots: [number, number][];
}

/** The lines of CLUSTER NODES: `<id> <ip:port@bus> <flags> <primary> … <slot ranges>`. */
function parseClusterNodes(text: string): ClusterNode[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const parts = line.split(' ');
      const flags = (parts[2] ?? '').split(',');
      const slots: [number, number][] = [];
      for (const range of parts.slice(8)) {
        if (range.startsWith('[')) continue; // a slot being moved, not served
        const [from, to] = range.split('-').map(Number);
        if (from !== undefined) slots.push([from, to ?? from]);
      }
      return {
        port: Number(/:(\d+)@/.exec(parts[1] ?? '')?.[1]),
        primary: flags.includes('master'),
        failed: flags.includes('fail') || flags.includes('fail?') || flags.includes('noaddr'),
        slots,
      };
    });
}

function slotCount(ranges: [number, number][]): number {
  return ranges.reduce((sum, [from, to]) => sum + to - from + 1, 0);
}
