import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';
import { freePort, stopServer } from './redis-server.js';
import { makeCertificates, type TestCertificates } from './tls-certificates.js';

/**
 * A redis-server that speaks only TLS (`--port 0 --tls-port N`), with certificates made
 * for it, and ACL users created at start. Always a server of its own, even with
 * CADENZA_TEST_REDIS: the tests are about TLS and users.
 */
export interface TlsRedisHarness {
  /** `rediss://127.0.0.1:PORT`, as the default user (no password). */
  url: string;
  port: number;
  certificates: TestCertificates;
  /** The client side's files, read: what `tls` options of the store and ioredis take. */
  tls: { ca: Buffer; cert: Buffer; key: Buffer };
  /** `rediss://USER:PASSWORD@127.0.0.1:PORT`. */
  urlFor(user: string, password: string): string;
  /** A client as the default user with the CA and the client certificate; closed by `stop()`. */
  client(options?: RedisOptions): Redis;
  stop(): Promise<void>;
}

export interface TlsServerOptions {
  /** `yes`: a client must show a certificate the CA signed; `optional` (default): it may. */
  authClients?: 'yes' | 'optional';
  /** ACL users to create: name → password and rules (e.g. `aclRules('cz')`). */
  users?: Record<string, { password: string; rules: string }>;
}

export async function startTlsRedis(options: TlsServerOptions = {}): Promise<TlsRedisHarness> {
  const certificates = makeCertificates();
  const tls = {
    ca: readFileSync(certificates.ca),
    cert: readFileSync(certificates.clientCert),
    key: readFileSync(certificates.clientKey),
  };
  const port = await freePort();
  const server = await spawnTlsServer(port, certificates, options.authClients ?? 'optional', tls);
  const clients: Redis[] = [];
  const client = (extra: RedisOptions = {}) => {
    const redis = new Redis({ host: '127.0.0.1', port, tls: { ...tls }, maxRetriesPerRequest: 2, ...extra });
    redis.on('error', () => undefined);
    clients.push(redis);
    return redis;
  };
  const admin = client();
  for (const [name, user] of Object.entries(options.users ?? {})) {
    await admin.call('ACL', 'SETUSER', name, 'reset', 'on', `>${user.password}`, ...user.rules.split(' '));
  }
  return {
    url: `rediss://127.0.0.1:${port}`,
    port,
    certificates,
    tls,
    urlFor: (user, password) =>
      `rediss://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    client,
    async stop() {
      for (const redis of clients.splice(0)) redis.disconnect();
      await stopServer(server);
      rmSync(certificates.dir, { recursive: true, force: true });
    },
  };
}

async function spawnTlsServer(
  port: number,
  files: TestCertificates,
  authClients: string,
  tls: TlsRedisHarness['tls'],
): Promise<ChildProcess> {
  const args = [
    ...['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    ...['--tls-cert-file', files.serverCert, '--tls-key-file', files.serverKey],
    ...['--tls-ca-cert-file', files.ca, '--tls-auth-clients', authClients],
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  for (let tries = 0; tries < 200; tries++) {
    if (child.exitCode !== null) throw new Error(`redis-server (TLS) exited (${child.exitCode}): ${stderr}`);
    const probe = new Redis({
      host: '127.0.0.1',
      port,
      tls: { ...tls },
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return child;
    } catch {
      await sleep(25);
    } finally {
      probe.disconnect();
    }
  }
  await stopServer(child);
  throw new Error(`redis-server (TLS) on port ${port} did not answer PING: ${stderr}`);
}
