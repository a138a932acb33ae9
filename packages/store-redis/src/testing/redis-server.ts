import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { definedOnly } from '@cadenza/core';
import { Redis } from 'ioredis';

/**
 * A redis-server for one test file: started on a free port, with no persistence unless
 * asked, stopped (and waited for) on teardown. With `CADENZA_TEST_REDIS=redis://…` the
 * tests use that server instead and isolate themselves by a random key prefix.
 */
export interface RedisHarness {
  url: string;
  /** The port of a server of our own (0 for CADENZA_TEST_REDIS's). */
  port: number;
  /** A fresh random prefix, so tests never see each other's keys. */
  prefix(): string;
  /** A new client; closed by `stop()`. */
  client(): Redis;
  /** Stops the server (SIGTERM, waits for exit) and starts it again on the same port. */
  restart(options?: ServerOptions): Promise<void>;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** With a folder, the server writes an append-only file there (for fault tests). */
  appendOnlyDir?: string;
  /**
   * A server that asks for this password (`--requirepass`; the url carries it). Always a
   * server of our own, even with CADENZA_TEST_REDIS: the test is about the password.
   */
  password?: string;
}

export async function startRedis(options: ServerOptions = {}): Promise<RedisHarness> {
  const clients: Redis[] = [];
  const external = options.password === undefined ? process.env.CADENZA_TEST_REDIS : undefined;
  let server: ChildProcess | undefined;
  let port = 0;
  if (external === undefined || external === '') {
    port = await freePort();
    server = await spawnServer(port, options);
  }
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  const url = external || `redis://${auth}127.0.0.1:${port}`;
  return {
    url,
    port,
    prefix: () => `czt${randomBytes(4).toString('hex')}`,
    client() {
      const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
      clients.push(redis);
      return redis;
    },
    async restart(next: ServerOptions = options) {
      if (server === undefined) throw new Error('cannot restart an external redis (CADENZA_TEST_REDIS)');
      await stopServer(server);
      server = await spawnServer(port, next);
    },
    async stop() {
      for (const redis of clients.splice(0)) redis.disconnect();
      if (server !== undefined) await stopServer(server);
      server = undefined;
    },
  };
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

async function spawnServer(port: number, options: ServerOptions): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', ''];
  if (options.appendOnlyDir === undefined) args.push('--appendonly', 'no');
  else args.push('--appendonly', 'yes', '--dir', options.appendOnlyDir);
  if (options.password !== undefined) args.push('--requirepass', options.password);
  return spawnRedisServer(args, port, options.password);
}

/**
 * The arguments every node of a test topology (cluster, Sentinel) starts with: its port,
 * its folder, and file names of its own there, so that a restarted node finds its files.
 */
export function nodeArgs(port: number, dir: string, appendOnly: boolean): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--dir',
    dir,
    '--appendonly',
    appendOnly ? 'yes' : 'no',
    '--appendfilename',
    `appendonly-${port}.aof`,
    '--appenddirname',
    `aof-${port}`,
    // A full sync writes a dump file even with --save '': one per node.
    '--dbfilename',
    `dump-${port}.rdb`,
  ];
}

/**
 * Starts `redis-server ARGS` listening on `port` and resolves once it answers PING (the
 * cluster and sentinel harnesses start their nodes with it too); rejects with its stderr
 * when it exits or never answers.
 */
export async function spawnRedisServer(
  args: readonly string[],
  port: number,
  password?: string,
): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const probe = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...definedOnly({ password }),
  });
  probe.on('error', () => {});
  try {
    for (let tries = 0; tries < 200; tries++) {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${stderr}`);
      try {
        if (probe.status !== 'ready') await probe.connect();
        if ((await probe.ping()) === 'PONG') return child;
      } catch {
        probe.disconnect();
        await sleep(25);
      }
    }
    throw new Error(`redis-server on port ${port} did not answer PING: ${stderr}`);
  } finally {
    probe.disconnect();
  }
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
