// The TLS flags of every command that talks to Redis: read at start, refused (exit 2,
// naming the flag and the path) when a file cannot be read or does not fit the URL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandsByPath, flagsOf } from './commands.test-helpers.js';
import { UsageError } from './errors.js';
import { checkLockRedis, chooseStore, requireRedis } from './store-flags.js';

const dir = mkdtempSync(join(tmpdir(), 'cadenza-tls-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ca = join(dir, 'ca.pem');
const cert = join(dir, 'client.pem');
const key = join(dir, 'client-key.pem');
writeFileSync(ca, 'CA');
writeFileSync(cert, 'CERT');
writeFileSync(key, 'KEY');

function refusal(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a usage error');
}

describe('--redis-ca, --redis-cert, --redis-key', () => {
  it('are taken by every command that talks to Redis', () => {
    for (const [path, command] of commandsByPath()) {
      const flags = flagsOf(command);
      if (!flags.includes('--redis') && !flags.includes('--store')) continue;
      expect(flags, path).toEqual(expect.arrayContaining(['--redis-ca', '--redis-cert', '--redis-key']));
    }
  });

  it('read the files at start and hand their contents to the store', () => {
    const choice = requireRedis({ redis: 'rediss://u:p@h:6380', redisCa: ca, redisCert: cert, redisKey: key });
    expect(choice.tls).toEqual({ ca: Buffer.from('CA'), cert: Buffer.from('CERT'), key: Buffer.from('KEY') });
    expect(chooseStore({ store: 'rediss://h:6380', redisCa: ca }).tls).toEqual({ ca: Buffer.from('CA') });
    expect(requireRedis({ redis: 'rediss://h:6380' }).tls).toBeUndefined();
  });

  it('name the flag and the path of a file that cannot be read', () => {
    const missing = join(dir, 'nope.pem');
    const error = refusal(() => requireRedis({ redis: 'rediss://h:6380', redisCa: missing }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(new RegExp(`^--redis-ca ${missing}: cannot be read: .*ENOENT`));
  });

  it('are refused beside a plain redis:// URL or a file store, naming the flags', () => {
    expect(refusal(() => requireRedis({ redis: 'redis://h:6379', redisCa: ca })).message).toBe(
      '--redis-ca: given with a --redis that is not rediss://; expected --redis rediss://HOST:PORT',
    );
    expect(refusal(() => chooseStore({ store: 'sqlite:x.db', redisCert: cert, redisKey: key })).message).toMatch(
      /^--redis-cert, --redis-key: given with a --store that is not rediss:\/\//,
    );
    expect(refusal(() => checkLockRedis(['rediss://a:1', 'redis://b:2'], { redisCa: ca })).message).toMatch(
      /^--redis-ca: given with a --lock-redis that is not rediss:\/\//,
    );
    expect(checkLockRedis(['rediss://a:1'], { redisCa: ca })).toEqual({ lockUrls: ['rediss://a:1'] });
  });

  it('want a client certificate and its key together', () => {
    expect(refusal(() => requireRedis({ redis: 'rediss://h:6380', redisCert: cert })).message).toMatch(
      /^--redis-cert and --redis-key: expected both/,
    );
  });
});
