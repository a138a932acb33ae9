// Production Redis as real processes: a redis-server that speaks only TLS and asks clients
// for a certificate (made here with openssl), used as an ACL user allowed only the keys and
// channel of the prefix `cz` (aclRules). A coordinator, a worker and a server run on it
// with rediss://user:password@… and --redis-ca/--redis-cert/--redis-key; @cadenza/client,
// with the same files, enqueues jobs and a schedule, and they run to succeeded. Build first
// (`npx -y pnpm@12.4.2 build`); these tests run dist/bin.js.
import { type CadenzaClient, createClient } from '@cadenza/client';
import { aclRules } from '@cadenza/store-redis';
import { startTlsRedis, type TlsRedisHarness } from '@cadenza/store-redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  type Cadenza,
  enqueue,
  FIXTURE,
  runCli,
  startCadenza,
  waitFor,
  waitForStatus,
} from './cadenza-process.js';

const USER = 'cadenza';
const PASSWORD = 'a long random password';
const HANDLERS = `${FIXTURE}/handlers.mjs`;

let redis: TlsRedisHarness;
let url: string;
let files: string[];
const nodes: Cadenza[] = [];
const clients: CadenzaClient[] = [];

beforeAll(async () => {
  assertBuilt();
  redis = await startTlsRedis({ authClients: 'yes', users: { [USER]: { password: PASSWORD, rules: aclRules('cz') } } });
  url = redis.urlFor(USER, PASSWORD);
  const { ca, clientCert, clientKey } = redis.certificates;
  files = ['--redis-ca', ca, '--redis-cert', clientCert, '--redis-key', clientKey];
}, 20_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  // SIGKILL what a failed test left running; a passing test stopped its nodes itself.
  for (const node of nodes) if (node.proc.exitCode === null) node.proc.kill('SIGKILL');
  await redis?.stop();
});

async function start(role: 'coordinator' | 'worker' | 'server', args: readonly string[]): Promise<Cadenza> {
  const node = await startCadenza(role, ['--redis', url, ...files, '--log-level', 'warn', ...args]);
  nodes.push(node);
  return node;
}

describe('cadenza on a TLS Redis as an ACL user', () => {
  it('a coordinator, a worker and a server run jobs and a schedule that a TLS client enqueues', async () => {
    // Its leader lock on a --lock-redis instance too (this same server), with the same files.
    const coordinator = await start('coordinator', ['--id', 'c1', '--leader-ttl-ms', '2000', '--lock-redis', url]);
    const worker = await start('worker', ['--id', 'w1', '--handlers', HANDLERS]);
    const server = await start('server', []);

    const client = createClient({ url, tls: redis.tls });
    clients.push(client);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await client.enqueue({ name: 'ok', payload: { i } })).id);
    ids.push(await enqueue(server, { name: 'ok', payload: { via: 'server' } }));
    await client.upsertSchedule('tick', { name: 'ok', tenant: 'timed', every: 1000, payload: { tick: true } });

    for (const id of ids) {
      const job = await client.waitFor(id, { timeoutMs: 15_000 });
      expect(job.status).toBe('succeeded');
    }
    expect((await waitForStatus(server, ids[5] ?? '', 'succeeded')).result).toEqual({ echo: { via: 'server' } });
    let fired: { status: string; scheduleId?: string }[] = [];
    await waitFor('the schedule to fire a job that succeeds', async () => {
      fired = (await client.listJobs({ tenant: 'timed', status: 'succeeded' })).jobs;
      return fired.length > 0;
    });
    expect(fired[0]?.scheduleId).toBe('tick');

    // The admin verbs take the same flags.
    const status = await runCli(['status', '--redis', url, ...files]);
    expect(status.stderr).toBe('');
    expect(status.stdout).toMatch(/^leader: c1 /);

    for (const node of [server, worker, coordinator])
      expect(await node.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('cadenza dev runs jobs on a rediss:// store with the same files', async () => {
    const dev = await startCadenza('dev', ['--store', url, ...files, '--handlers', HANDLERS, '--log-level', 'warn']);
    nodes.push(dev);
    const id = await enqueue(dev, { name: 'ok', tenant: 'dev', payload: { dev: true } });
    expect((await waitForStatus(dev, id, 'succeeded')).result).toEqual({ echo: { dev: true } });
    expect(await dev.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  // The certificate error in each answer is the proof it was refused, not left to time out:
  // a call that waited out its command timeout would say so instead.
  it('refuses a process or a client without the CA file, saying why', async () => {
    const { clientCert, clientKey } = redis.certificates;
    const out = await runCli(['status', '--redis', url, '--redis-cert', clientCert, '--redis-key', clientKey]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(
      /^cadenza: --redis rediss:\/\/cadenza:\*\*\*@127\.0\.0\.1:\d+: does not answer: .*certificate/,
    );
    expect(out.stderr).not.toContain(PASSWORD);

    const client = createClient({ url, tls: { cert: redis.tls.cert, key: redis.tls.key } });
    clients.push(client);
    await expect(client.getJob('default:nope')).rejects.toThrow(/unavailable: .*certificate/);
  });

  it('refuses unreadable TLS files and TLS files beside a redis:// URL (exit 2, naming the flags)', async () => {
    const missing = await runCli([
      'worker',
      '--redis',
      url,
      '--redis-ca',
      '/nonexistent/ca.pem',
      '--handlers',
      HANDLERS,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^cadenza: --redis-ca \/nonexistent\/ca\.pem: cannot be read: .*ENOENT/);
    const plain = await runCli(['server', '--redis', 'redis://127.0.0.1:1', ...files]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(
      /^cadenza: --redis-ca, --redis-cert, --redis-key: given with a --redis that is not rediss:\/\//,
    );
  });

  it('leaves the ACL user nothing outside its prefix', async () => {
    // A raw client as that user (with the CA and client certificate), not through cadenza.
    const user = redis.client({ username: USER, password: PASSWORD, maxRetriesPerRequest: 0 });
    try {
      expect(await user.exists('cz:tenants')).toBe(1);
      await expect(user.set('other:key', '1')).rejects.toThrow(/NOPERM/);
      await expect(user.get('czz:key')).rejects.toThrow(/NOPERM/);
      await expect(user.call('KEYS', '*')).rejects.toThrow(/NOPERM/);
      await expect(user.call('FLUSHALL')).rejects.toThrow(/NOPERM/);
    } finally {
      user.disconnect();
    }
  });
});
