import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { prepareJob } from '@cadenza/core';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execAll } from '../context.js';
import { tenantKeys } from '../keys.js';
import { createRedisStore } from '../store/redis-store.js';
import { commandStats } from '../testing/jobs.test-helpers.js';
import { type RedisHarness, startRedis } from '../testing/redis-server.js';
import { PACKAGE_VERSION } from '../version.js';
import { Scripts } from './call.js';
import { buildLibrary, checkRedisVersion, isTooOld, listsLibrary, readScript, scriptNames } from './loader.js';

function luaDir(files: Record<string, string>): URL {
  const dir = mkdtempSync(join(tmpdir(), 'cz-lua-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return pathToFileURL(`${dir}/`);
}

describe('script loader', () => {
  it('reads the key count from the header and expands includes', () => {
    const dir = luaDir({ 'a.lua': '-- @keys 2\n-- @include shared\nreturn f()\n' });
    mkdirSync(new URL('includes/', dir));
    writeFileSync(new URL('includes/shared.lua', dir), 'local function f() return 1 end\n');
    const script = readScript('a', dir);
    expect(script.numberOfKeys).toBe(2);
    expect(script.includes).toEqual(['shared']);
    const lua = buildLibrary('1.0.0', ['a'], dir).code;
    expect(lua).toContain('local function f() return 1 end');
    expect(lua.indexOf('local function f()')).toBeLessThan(lua.indexOf('return f()'));
  });

  it('fails loudly on a missing include, naming it and the script', () => {
    const dir = luaDir({ 'b.lua': '-- @keys 0\n-- @include nowhere\nreturn 1\n' });
    expect(() => readScript('b', dir)).toThrow(/include nowhere \(from b\)/);
  });

  it('refuses a script without a key count header', () => {
    const dir = luaDir({ 'c.lua': 'return 1\n' });
    expect(() => readScript('c', dir)).toThrow(/no "-- @keys N" \(or "-- @keys \*"\) header/);
  });

  it('loads every script of the package', () => {
    for (const name of scriptNames()) {
      const keys = readScript(name).numberOfKeys;
      // `-- @keys *`: the caller gives the number (enqueue spans any number of tenants).
      if (keys !== undefined) expect(keys).toBeGreaterThan(0);
    }
    expect(readScript('enqueue').numberOfKeys).toBeUndefined();
  });
});

describe('redis version check', () => {
  const info = (version: string) => `# Server\r\nredis_version:${version}\r\nredis_mode:standalone\r\n`;

  it('accepts Redis 7.0 and later', () => {
    expect(checkRedisVersion(info('7.0.15'))).toBe('7.0.15');
    expect(checkRedisVersion(info('7.2.4'))).toBe('7.2.4');
    expect(checkRedisVersion(info('8.0.0'))).toBe('8.0.0');
  });

  it('refuses a server without Functions, naming the version it found', () => {
    expect(() => checkRedisVersion(info('6.2.14'))).toThrow(/Redis 7\.0 or later.*Redis 6\.2\.14/);
    expect(() => checkRedisVersion(info('5.0.7'))).toThrow(/Redis 5\.0\.7/);
    expect(() => checkRedisVersion('# Server\r\n')).toThrow(/unknown version/);
  });

  it('tells its refusal from other errors (a lock instance too old is reported, one down is a no)', () => {
    let refusal: unknown;
    try {
      checkRedisVersion(info('6.2.14'));
    } catch (error) {
      refusal = error;
    }
    expect(isTooOld(refusal)).toBe(true);
    expect(isTooOld(new Error('connect ECONNREFUSED 127.0.0.1:6379'))).toBe(false);
  });
});

describe('the functions library', () => {
  it('is named with the version and a hash of its code, and so is every function', () => {
    const library = buildLibrary('1.2.3-beta.1');
    expect(library.name).toMatch(/^cadenza_v1_2_3_beta_1_[0-9a-f]{10}$/);
    expect(library.code.startsWith(`#!lua name=${library.name}\n`)).toBe(true);
    const suffix = library.name.slice('cadenza_'.length);
    for (const [script, fn] of library.functions) {
      expect(fn.name).toBe(`cz_${script.replace(/-/g, '_')}_${suffix}`);
      expect(library.code).toContain(`function_name='${fn.name}'`);
    }
    expect(buildLibrary('1.2.4').name).not.toBe(library.name);
  });

  it('pastes each include once', () => {
    const dir = luaDir({
      'a.lua': '-- @keys 1\n-- @include shared\nreturn f()\n',
      'b.lua': '-- @keys 1\n-- @include shared\nreturn f() + 1\n',
    });
    mkdirSync(new URL('includes/', dir));
    writeFileSync(new URL('includes/shared.lua', dir), 'local function f() return 1 end\n');
    const library = buildLibrary('1.0.0', ['a', 'b'], dir);
    expect(library.code.split('local function f()').length - 1).toBe(1);
    expect([...library.functions.keys()]).toEqual(['a', 'b']);
  });
});

describe('scripts on a real redis', () => {
  let harness: RedisHarness;
  beforeAll(async () => {
    harness = await startRedis();
  });
  afterAll(async () => {
    await harness.stop();
  });

  /** A library of one function, 'who', answering `answer`, for version `version`. */
  function whoLibrary(version: string, answer: string) {
    const dir = luaDir({ 'who.lua': `-- @keys 1\nreturn { KEYS[1], ARGV[1], '${answer}' }\n` });
    return buildLibrary(version, ['who'], dir);
  }

  async function functionLoads(redis: Redis): Promise<number> {
    return (await commandStats(redis)).get('function|load')?.calls ?? 0;
  }

  it('is loaded once per Redis, whatever the number of clients and stores', async () => {
    const redis = harness.client();
    const library = whoLibrary('1.0.0', 'once');
    await redis.config('RESETSTAT');
    const clients = [redis, harness.client(), harness.client()];
    for (const client of clients) {
      for (let k = 0; k < 3; k++) {
        const scripts = new Scripts(client, library);
        expect(await scripts.call(client, 'who', ['k'], ['a'])).toEqual(['k', 'a', 'once']);
      }
    }
    expect(await functionLoads(redis)).toBe(1);
  });

  it('still answers after FUNCTION FLUSH, called alone and in a pipeline', async () => {
    const redis = harness.client();
    const library = whoLibrary('1.0.1', 'flushed');
    const scripts = new Scripts(redis, library);
    expect(await scripts.call(redis, 'who', ['k'], ['1'])).toEqual(['k', '1', 'flushed']);
    await redis.function('FLUSH');
    expect(await scripts.call(redis, 'who', ['k'], ['2'])).toEqual(['k', '2', 'flushed']);
    await redis.function('FLUSH');
    const pipeline = redis.pipeline();
    pipeline.set(`${harness.prefix()}:x`, 'before');
    scripts.call(pipeline, 'who', ['k'], ['3']);
    pipeline.echo('after');
    scripts.call(pipeline, 'who', ['k'], ['4']);
    expect(await execAll(pipeline)).toEqual(['OK', ['k', '3', 'flushed'], 'after', ['k', '4', 'flushed']]);
  });

  it('still answers after a redis restart without persistence', async () => {
    if (process.env.CADENZA_TEST_REDIS) return;
    const redis = harness.client();
    const scripts = new Scripts(redis);
    const keys = tenantKeys(harness.prefix(), 'x').declared;
    const answer = await scripts.call(redis, 'get-jobs', keys, ['1']);
    await harness.restart();
    expect(await redis.call('FUNCTION', 'LIST')).toEqual([]);
    expect(await scripts.call(redis, 'get-jobs', keys, ['1'])).toEqual(answer);
    expect(await scripts.call(redis, 'leadership-ticked', [`${harness.prefix()}:leader`], ['n', 1, 1])).toBe(0);
  });

  it('keeps two versions side by side: each calls its own functions', async () => {
    const redis = harness.client();
    const older = new Scripts(redis, whoLibrary('1.0.0', 'old'));
    const newer = new Scripts(redis, whoLibrary('2.0.0', 'new'));
    expect(await older.call(redis, 'who', ['k'], ['a'])).toEqual(['k', 'a', 'old']);
    expect(await newer.call(redis, 'who', ['k'], ['a'])).toEqual(['k', 'a', 'new']);
    expect(await older.call(redis, 'who', ['k'], ['b'])).toEqual(['k', 'b', 'old']);
    const listed = (await redis.call('FUNCTION', 'LIST', 'LIBRARYNAME', 'cadenza_v*')) as unknown[];
    expect(listsLibrary(listed, older.library.name)).toBe(true);
    expect(listsLibrary(listed, newer.library.name)).toBe(true);
  });

  it('is loaded by the ping of a store, which a process sends at start', async () => {
    const redis = harness.client();
    await redis.function('FLUSH');
    const store = createRedisStore({ redis, prefix: harness.prefix() });
    const name = new Scripts(redis).library.name;
    expect(listsLibrary(await redis.call('FUNCTION', 'LIST', 'LIBRARYNAME', name), name)).toBe(false);
    await store.ping();
    expect(listsLibrary(await redis.call('FUNCTION', 'LIST', 'LIBRARYNAME', name), name)).toBe(true);
    await store.close();
  });

  it('gives a tenant function one key, from which it names only keys src/keys.ts knows', async () => {
    const redis = harness.client();
    const prefix = harness.prefix();
    const keys = tenantKeys(prefix, 'acme');
    expect(keys.declared).toEqual([keys.counts]);
    const store = createRedisStore({ redis, prefix });
    const now = 1_700_000_000_000;
    const jobs = [
      prepareJob({ name: 'a', tenant: 'acme', payload: 1, idempotencyKey: 'k1' }, now),
      prepareJob({ name: 'b', tenant: 'acme', payload: 2, delayMs: 60_000 }, now),
      prepareJob({ name: 'c', tenant: 'acme', payload: 3, priority: 9 }, now),
    ];
    await store.enqueue(jobs, now);
    const [claimed] = await store.claim({ workerId: 'w', limit: 1, leaseMs: 30_000, now });
    if (claimed === undefined) throw new Error('nothing claimed');
    await store.settle([{ jobId: claimed.id, token: claimed.lease.token, outcome: 'succeeded', result: null }], now);
    const written = (await redis.keys(`${prefix}:{t:acme}:*`)).sort();
    expect(written.length).toBeGreaterThanOrEqual(8);
    const known = new Set(keys.all);
    expect(written.filter((key) => !known.has(key))).toEqual([]);
    await store.close();
  });

  it('names the package version in its library', () => {
    const redis = harness.client();
    expect(new Scripts(redis).library.name).toContain(`_v${PACKAGE_VERSION.replace(/[^0-9A-Za-z]/g, '_')}_`);
  });
});
