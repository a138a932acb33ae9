import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantKeys } from '../keys.js';
import { type RedisHarness, startRedis } from '../testing/redis-server.js';
import { PACKAGE_VERSION } from '../version.js';
import { Scripts } from './call.js';
import { commandName, readScript, scriptNames } from './loader.js';

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
    expect(script.lua).toContain('local function f() return 1 end');
    expect(script.lua).not.toContain('@include');
  });

  it('fails loudly on a missing include, naming it and the script', () => {
    const dir = luaDir({ 'b.lua': '-- @keys 0\n-- @include nowhere\nreturn 1\n' });
    expect(() => readScript('b', dir)).toThrow(/include nowhere \(from b\)/);
  });

  it('refuses a script without a key count header', () => {
    const dir = luaDir({ 'c.lua': 'return 1\n' });
    expect(() => readScript('c', dir)).toThrow(/no "-- @keys N" \(or "-- @keys \*"\) header/);
  });

  it('names commands with the package version', () => {
    expect(commandName('claim', '1.2.3-beta.1')).toBe('cz_claim_v1_2_3_beta_1');
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

describe('scripts on a real redis', () => {
  let harness: RedisHarness;
  beforeAll(async () => {
    harness = await startRedis();
  });
  afterAll(async () => {
    await harness.stop();
  });

  it('still works after SCRIPT FLUSH (EVALSHA falls back to loading the body)', async () => {
    const redis = harness.client();
    const scripts = new Scripts(redis);
    const prefix = harness.prefix();
    const keys = tenantKeys(prefix, 'x').all;
    expect(await scripts.call(redis, 'get-jobs', keys, ['1'])).toEqual(['', 0, '', '', '']);
    await redis.script('FLUSH');
    expect(await scripts.call(redis, 'get-jobs', keys, ['1'])).toEqual(['', 0, '', '', '']);
    expect(commandName('get-jobs', PACKAGE_VERSION)).toMatch(/^cz_get-jobs_v\d+_\d+_\d+/);
  });

  it('still works after a redis restart', async () => {
    if (process.env.CADENZA_TEST_REDIS) return;
    const redis = harness.client();
    const scripts = new Scripts(redis);
    const prefix = harness.prefix();
    const keys = tenantKeys(prefix, 'x').all;
    expect(await scripts.call(redis, 'get-jobs', keys, ['1'])).toEqual(['', 0, '', '', '']);
    await harness.restart();
    expect(await scripts.call(redis, 'get-jobs', keys, ['1'])).toEqual(['', 0, '', '', '']);
  });
});
