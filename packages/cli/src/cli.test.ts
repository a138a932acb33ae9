import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis } from '@cadenza/store-redis/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTenants } from './engine-flags.js';
import { envName } from './env.js';
import { integer, UsageError } from './errors.js';
import { buildProgram } from './main.js';
import { readStartupFile } from './schedules-file.js';
import { chooseStore, requireRedis } from './store-flags.js';
import { displayStore, openStore, parseStoreUrl } from './store-url.js';
import { table } from './table.js';

const NOW = Date.UTC(2026, 0, 1);

const dir = mkdtempSync(join(tmpdir(), 'cadenza-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('store urls', () => {
  it('parses every form of --store', () => {
    expect(parseStoreUrl('memory')).toEqual({ kind: 'memory' });
    expect(parseStoreUrl('sqlite:./.cadenza/cadenza.db')).toEqual({ kind: 'sqlite', path: './.cadenza/cadenza.db' });
    expect(parseStoreUrl('json:/tmp/x.json')).toEqual({ kind: 'json', path: '/tmp/x.json' });
    expect(parseStoreUrl('snapshot:state.bin')).toEqual({ kind: 'snapshot', path: 'state.bin' });
    expect(parseStoreUrl('lmdb:./state.lmdb')).toEqual({ kind: 'lmdb', path: './state.lmdb' });
    expect(parseStoreUrl('redis://h:6379')).toEqual({ kind: 'redis', url: 'redis://h:6379' });
    expect(parseStoreUrl('rediss://h:6380')).toEqual({ kind: 'redis', url: 'rediss://h:6380' });
  });

  it('refuses anything else with a usage error naming the allowed forms', () => {
    for (const bad of ['', 'mysql://x', 'sqlite:', 'lmdb:', 'file.db', 'json']) {
      expect(() => parseStoreUrl(bad)).toThrow(UsageError);
    }
    expect(() => parseStoreUrl('postgres://x')).toThrow(/expected `memory`, `sqlite:PATH`/);
  });

  it('opens memory', async () => {
    const store = await openStore('memory');
    await store.ping();
    await store.close();
  });

  it('opens a redis:// store with its prefix, and names the flag when Redis does not answer', async () => {
    const redis = await startRedis();
    try {
      const prefix = redis.prefix();
      const store = await openStore(redis.url, { flag: '--redis', prefix });
      await store.ping();
      await store.close();
    } finally {
      await redis.stop();
    }
    // The server is gone now: nothing listens on its port.
    await expect(openStore(redis.url, { flag: '--redis' })).rejects.toThrow(
      new RegExp(`^--redis ${redis.url}: does not answer: `),
    );
  });

  it('masks the password of a Redis URL wherever it is shown', () => {
    expect(displayStore('redis://:s3cret@h:6379')).toBe('redis://:***@h:6379');
    expect(displayStore('rediss://user:s3cret@h:6380/2')).toBe('rediss://user:***@h:6380/2');
    expect(displayStore('redis://h:6379')).toBe('redis://h:6379');
    expect(displayStore('sqlite:./x.db')).toBe('sqlite:./x.db');
  });

  it('opens lmdb:, creating the file and its folder, and refuses one that is not LMDB’s naming the flag', async () => {
    const path = join(dir, 'lmdb', 'state.lmdb');
    const store = await openStore(`lmdb:${path}`);
    await store.ping();
    await store.close();
    expect(existsSync(path)).toBe(true);
    const bad = join(dir, 'not-lmdb.lmdb');
    writeFileSync(bad, 'not a database '.repeat(1000));
    await expect(openStore(`lmdb:${bad}`)).rejects.toThrow(
      `--store lmdb:${bad}: cannot be opened: cannot open store lmdb:${bad}: it is not an LMDB file`,
    );
  });

  it('refuses a missing file when asked to, without creating it', async () => {
    const path = join(dir, 'absent', 'x.db');
    await expect(openStore(`sqlite:${path}`, { mustExist: true })).rejects.toThrow(/does not exist/);
    expect(existsSync(join(dir, 'absent'))).toBe(false);
  });
});

describe('--redis, --store and --prefix', () => {
  it('requires --redis for the cluster commands, as a redis:// or rediss:// URL', () => {
    expect(requireRedis({ redis: 'redis://h:6379', prefix: 'app1' })).toEqual({
      text: 'redis://h:6379',
      flag: '--redis',
      prefix: 'app1',
    });
    expect(() => requireRedis({})).toThrow('--redis: missing; expected redis://HOST:PORT or rediss://HOST:PORT');
    expect(() => requireRedis({ redis: 'http://h:6379' })).toThrow('--redis: got "http://h:6379", expected redis://');
    expect(() => requireRedis({ redis: 'redis://' })).toThrow(UsageError);
    expect(() => requireRedis({ redis: 'redis://h', prefix: 'a b' })).toThrow('--prefix: got "a b"');
  });

  it('lets the admin verbs take --store or --redis, not both', () => {
    expect(chooseStore({})).toEqual({ text: 'sqlite:./.cadenza/cadenza.db', flag: '--store' });
    expect(chooseStore({ store: 'memory' })).toEqual({ text: 'memory', flag: '--store' });
    expect(chooseStore({ redis: 'redis://h' })).toEqual({ text: 'redis://h', flag: '--redis' });
    expect(() => chooseStore({ store: 'memory', redis: 'redis://h' })).toThrow(/expected one of them, not both/);
  });

  it('checks --tenants one by one', () => {
    expect(checkTenants(undefined)).toBeUndefined();
    expect(checkTenants('acme, beta')).toEqual(['acme', 'beta']);
    expect(() => checkTenants('acme,Beta')).toThrow('--tenants: got "Beta" in "acme,Beta", expected tenants like');
  });
});

describe('flags and the environment', () => {
  it('names each variable CADENZA_ + the flag in upper snake case', () => {
    expect(envName('--store <store>')).toBe('CADENZA_STORE');
    expect(envName('--log-level <level>')).toBe('CADENZA_LOG_LEVEL');
    expect(envName('-p, --port <n>')).toBe('CADENZA_PORT');
  });

  it('gives every flag of every command its environment variable', () => {
    const program = buildProgram();
    const commands = program.commands.flatMap((c) => [c, ...c.commands]);
    expect(commands.map((c) => c.name())).toEqual(
      expect.arrayContaining([
        'dev',
        'worker',
        'coordinator',
        'server',
        'enqueue',
        'jobs',
        'show',
        'schedules',
        'status',
      ]),
    );
    for (const command of commands) {
      for (const option of command.options) {
        if (option.long === '--help') continue;
        expect(option.envVar, `${command.name()} ${option.long}`).toBe(envName(option.flags));
      }
    }
  });

  it('checks integer flags with a message naming the flag and the range', () => {
    expect(integer('--port', '8080', 0, 65_535)).toBe(8080);
    expect(() => integer('--port', '80x', 0, 65_535)).toThrow('--port: got "80x", expected an integer from 0 to 65535');
    expect(() => integer('--lease-ms', '0', 1)).toThrow('expected an integer of 1 or more');
  });
});

describe('the --schedules file', () => {
  const write = (name: string, data: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
    return path;
  };

  it('reads schedules by id and the jobs to enqueue, skipping $ keys', () => {
    const file = readStartupFile(
      write('ok.json', {
        $comment: 'ignored',
        hourly: { name: 'tick', every: 3_600_000 },
        jobs: [
          { name: 'a', idempotencyKey: 'a-1' },
          { name: 'b', idempotencyKey: 'b-1', dependsOn: ['a-1'] },
        ],
      }),
      NOW,
    );
    expect(file.schedules).toEqual([['hourly', { name: 'tick', every: 3_600_000 }]]);
    expect(file.jobs.map((j) => j.name)).toEqual(['a', 'b']);
  });

  it('refuses a bad file with one message naming the file and the bad entry', () => {
    expect(() => readStartupFile(join(dir, 'missing.json'), NOW)).toThrow(/--schedules .*missing.json: cannot be read/);
    expect(() => readStartupFile(write('bad.json', '{'), NOW)).toThrow(/is not JSON/);
    expect(() => readStartupFile(write('array.json', []), NOW)).toThrow(/expected an object/);
    expect(() => readStartupFile(write('cron.json', { x: { name: 'tick', cron: 'nope' } }), NOW)).toThrow(
      /schedule "x": .*cron/,
    );
    expect(() => readStartupFile(write('jobs.json', { jobs: [{ name: 'bad name' }] }), NOW)).toThrow(/jobs\[0\]: name/);
  });
});

describe('tables', () => {
  it('aligns columns two spaces apart', () => {
    expect(table(['A', 'BB'], [['xxx', 'y']])).toBe('A    BB\nxxx  y');
  });
});
