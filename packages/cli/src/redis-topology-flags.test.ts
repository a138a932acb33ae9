// --redis-cluster, --redis-sentinel (with --redis-sentinel-name) and --durable-writes: each
// checked at start, before anything opens, with a message naming the flag, its variable and
// what was expected.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { commandsByPath, flagsOf } from './commands.test-helpers.js';
import { UsageError } from './errors.js';
import { buildProgram } from './main.js';
import { addRedisOptions, addStoreOptions, chooseStore, requireRedis, type StoreFlags } from './store-flags.js';

const dir = mkdtempSync(join(tmpdir(), 'cadenza-topology-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
});

function refusal(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a usage error');
}

/** The flags a command built with `add` parses from `argv` and the environment, without running anything. */
async function parsed(add: (command: Command) => Command, argv: string[]): Promise<StoreFlags> {
  let flags: StoreFlags | undefined;
  const command = add(new Command('x')).exitOverride();
  command.action((given: StoreFlags) => {
    flags = given;
  });
  await command.parseAsync(argv, { from: 'user' });
  if (flags === undefined) throw new Error('the action did not run');
  return flags;
}

describe('the Redis topology flags', () => {
  it('are taken by every command that takes --redis, and by no other', () => {
    const topology = ['--redis-cluster', '--redis-sentinel', '--redis-sentinel-name', '--durable-writes'];
    const takers: string[] = [];
    for (const [path, command] of commandsByPath()) {
      const flags = flagsOf(command);
      if (flags.includes('--redis')) {
        expect(flags, path).toEqual(expect.arrayContaining(topology));
        takers.push(path);
      } else {
        expect(
          flags.filter((flag) => topology.includes(flag)),
          path,
        ).toEqual([]);
      }
    }
    expect(takers.sort()).toEqual(
      [
        'coordinator',
        'doctor',
        'enqueue',
        'export',
        'import',
        'jobs',
        'jobs show',
        'schedules',
        'server',
        'status',
        'worker',
      ].sort(),
    );
  });
});

describe('--redis-cluster', () => {
  it('names the seed nodes of a Redis Cluster, in place of --redis', () => {
    expect(requireRedis({ redisCluster: 'redis://a:7000, redis://b:7001', prefix: 'app1' })).toEqual({
      text: 'redis://a:7000,redis://b:7001',
      flag: '--redis-cluster',
      clusterUrls: ['redis://a:7000', 'redis://b:7001'],
      prefix: 'app1',
    });
    expect(chooseStore({ redisCluster: 'rediss://a:7000' })).toEqual({
      text: 'rediss://a:7000',
      flag: '--redis-cluster',
      clusterUrls: ['rediss://a:7000'],
    });
  });

  it('is read from CADENZA_REDIS_CLUSTER, and the command line wins over it', async () => {
    vi.stubEnv('CADENZA_REDIS_CLUSTER', 'redis://env-a:1,redis://env-b:2');
    expect(requireRedis(await parsed(addRedisOptions, [])).clusterUrls).toEqual(['redis://env-a:1', 'redis://env-b:2']);
    const given = await parsed(addRedisOptions, ['--redis-cluster', 'redis://cli:1']);
    expect(requireRedis(given).clusterUrls).toEqual(['redis://cli:1']);
  });

  it('refuses a URL that is not redis:// or rediss://, naming the flag, its variable and the form', () => {
    expect(refusal(() => requireRedis({ redisCluster: 'redis://a:1,http://b:2' })).message).toBe(
      '--redis-cluster: got "http://b:2", expected redis://HOST:PORT or rediss://HOST:PORT, several separated by commas (--redis-cluster or CADENZA_REDIS_CLUSTER)',
    );
    expect(refusal(() => requireRedis({ redisCluster: 'redis://' })).message).toMatch(
      /^--redis-cluster: got "redis:\/\/"/,
    );
    expect(refusal(() => requireRedis({ redisCluster: '' })).message).toMatch(/^--redis-cluster: got an empty entry/);
  });

  it('refuses an empty entry between commas rather than skip it', () => {
    expect(refusal(() => requireRedis({ redisCluster: 'redis://a:1,,redis://b:2' })).message).toBe(
      '--redis-cluster: got an empty entry in "redis://a:1,,redis://b:2", expected redis://HOST:PORT or rediss://HOST:PORT, several separated by commas (--redis-cluster or CADENZA_REDIS_CLUSTER)',
    );
  });

  it('refuses redis:// and rediss:// mixed', () => {
    expect(refusal(() => requireRedis({ redisCluster: 'redis://a:1,rediss://b:2' })).message).toMatch(
      /^--redis-cluster: mixes redis:\/\/ and rediss:\/\/ URLs; expected all of one kind/,
    );
  });

  it('masks a password in what it echoes', () => {
    const message = refusal(() => requireRedis({ redisCluster: 'redis://:s3cret@a:1,,redis://b:2' })).message;
    expect(message).not.toContain('s3cret');
    expect(message).toContain('redis://:***@a:1');
  });
});

describe('--redis-sentinel and --redis-sentinel-name', () => {
  it('name the sentinels and their primary, in place of --redis', () => {
    expect(requireRedis({ redisSentinel: 'redis://s1:26379,redis://s2:26379', redisSentinelName: 'mymaster' })).toEqual(
      {
        text: 'redis://s1:26379,redis://s2:26379',
        flag: '--redis-sentinel',
        sentinel: { urls: ['redis://s1:26379', 'redis://s2:26379'], name: 'mymaster' },
      },
    );
  });

  it('are read from CADENZA_REDIS_SENTINEL and CADENZA_REDIS_SENTINEL_NAME', async () => {
    vi.stubEnv('CADENZA_REDIS_SENTINEL', 'redis://s1:26379');
    vi.stubEnv('CADENZA_REDIS_SENTINEL_NAME', 'primary-1');
    expect(requireRedis(await parsed(addRedisOptions, [])).sentinel).toEqual({
      urls: ['redis://s1:26379'],
      name: 'primary-1',
    });
    expect(chooseStore(await parsed(addStoreOptions, [])).sentinel?.name).toBe('primary-1');
  });

  it('want the name with the sentinels', () => {
    expect(refusal(() => requireRedis({ redisSentinel: 'redis://s1:26379' })).message).toBe(
      '--redis-sentinel-name: missing; expected the name the sentinels know the primary by (sentinel monitor NAME …), without spaces (--redis-sentinel-name or CADENZA_REDIS_SENTINEL_NAME)',
    );
    expect(
      refusal(() => requireRedis({ redisSentinel: 'redis://s1:26379', redisSentinelName: 'my master' })).message,
    ).toMatch(/^--redis-sentinel-name: got "my master"; expected the name/);
    expect(refusal(() => requireRedis({ redisSentinel: 'redis://s1:26379', redisSentinelName: '' })).message).toMatch(
      /^--redis-sentinel-name: got ""/,
    );
  });

  it('refuse the name without the sentinels, beside --redis or --store alike', () => {
    const expected =
      '--redis-sentinel-name: given without --redis-sentinel; expected it only beside --redis-sentinel (check CADENZA_REDIS_SENTINEL_NAME)';
    expect(refusal(() => requireRedis({ redis: 'redis://h:6379', redisSentinelName: 'mymaster' })).message).toBe(
      expected,
    );
    expect(refusal(() => chooseStore({ store: 'memory', redisSentinelName: 'mymaster' })).message).toBe(expected);
  });

  it('check each sentinel URL', () => {
    expect(
      refusal(() => requireRedis({ redisSentinel: 'redis://s1:26379,s2:26379', redisSentinelName: 'm' })).message,
    ).toBe(
      '--redis-sentinel: got "s2:26379", expected redis://HOST:PORT or rediss://HOST:PORT, several separated by commas (--redis-sentinel or CADENZA_REDIS_SENTINEL)',
    );
  });
});

describe('one of --redis, --redis-cluster, --redis-sentinel (or --store)', () => {
  it('refuses two, naming both flags and their variables', () => {
    expect(refusal(() => requireRedis({ redis: 'redis://h:6379', redisCluster: 'redis://a:1' })).message).toBe(
      '--redis "redis://h:6379" and --redis-cluster "redis://a:1": expected one of them, not both (check CADENZA_REDIS and CADENZA_REDIS_CLUSTER)',
    );
    expect(
      refusal(() => requireRedis({ redisCluster: 'redis://a:1', redisSentinel: 'redis://s:1', redisSentinelName: 'm' }))
        .message,
    ).toBe(
      '--redis-cluster "redis://a:1" and --redis-sentinel "redis://s:1": expected one of them, not both (check CADENZA_REDIS_CLUSTER and CADENZA_REDIS_SENTINEL)',
    );
    expect(refusal(() => chooseStore({ store: 'memory', redisSentinel: 'redis://s:1' })).message).toBe(
      '--store "memory" and --redis-sentinel "redis://s:1": expected one of them, not both (check CADENZA_STORE and CADENZA_REDIS_SENTINEL)',
    );
  });

  it('refuses three, naming all of them', () => {
    expect(
      refusal(() => requireRedis({ redis: 'redis://h:1', redisCluster: 'redis://a:1', redisSentinel: 'redis://s:1' }))
        .message,
    ).toBe(
      '--redis "redis://h:1", --redis-cluster "redis://a:1" and --redis-sentinel "redis://s:1": expected one of them, not several (check CADENZA_REDIS, CADENZA_REDIS_CLUSTER and CADENZA_REDIS_SENTINEL)',
    );
  });

  it('refuses one from the environment beside another on the command line', async () => {
    vi.stubEnv('CADENZA_REDIS', 'redis://:pw@env:6379');
    const flags = await parsed(addRedisOptions, ['--redis-cluster', 'redis://a:1']);
    expect(refusal(() => requireRedis(flags)).message).toBe(
      '--redis "redis://:***@env:6379" and --redis-cluster "redis://a:1": expected one of them, not both (check CADENZA_REDIS and CADENZA_REDIS_CLUSTER)',
    );
  });

  it('names all three when none is given to a cluster command', () => {
    const message = refusal(() => requireRedis({})).message;
    expect(message).toMatch(/^--redis: missing; expected redis:\/\/HOST:PORT or rediss:\/\/HOST:PORT/);
    expect(message).toContain('(--redis-cluster or CADENZA_REDIS_CLUSTER)');
    expect(message).toContain('--redis-sentinel and --redis-sentinel-name');
  });

  it('is refused by the commands themselves before anything opens', async () => {
    const run = (argv: string[]) => buildProgram().parseAsync(argv, { from: 'user' });
    await expect(
      run(['worker', '--redis', 'redis://h:1', '--redis-cluster', 'redis://a:1', '--handlers', 'x.mjs']),
    ).rejects.toThrow(/^--redis "redis:\/\/h:1" and --redis-cluster "redis:\/\/a:1": expected one of them/);
    await expect(run(['coordinator', '--redis-sentinel', 'redis://s:1'])).rejects.toThrow(
      /^--redis-sentinel-name: missing/,
    );
    await expect(run(['server', '--redis-cluster', 'http://a:1'])).rejects.toThrow(/^--redis-cluster: got "http/);
    await expect(run(['status', '--store', 'memory', '--redis-cluster', 'redis://a:1'])).rejects.toThrow(
      /^--store "memory" and --redis-cluster/,
    );
  });
});

describe('--durable-writes', () => {
  it('takes a whole number of replicas, kept only when above 0', () => {
    expect(requireRedis({ redisCluster: 'redis://a:1', durableWrites: '2' }).durableWrites).toBe(2);
    expect(requireRedis({ redis: 'redis://h:1', durableWrites: ' 1 ' }).durableWrites).toBe(1);
    expect(requireRedis({ redis: 'redis://h:1', durableWrites: '0' })).toEqual({
      text: 'redis://h:1',
      flag: '--redis',
    });
    expect(chooseStore({ store: 'redis://h:1', durableWrites: '3' }).durableWrites).toBe(3);
  });

  it('is read from CADENZA_DURABLE_WRITES', async () => {
    vi.stubEnv('CADENZA_DURABLE_WRITES', '2');
    expect(requireRedis(await parsed(addRedisOptions, ['--redis', 'redis://h:1'])).durableWrites).toBe(2);
  });

  it('refuses anything but a whole number of 0 or more, naming the flag and the range', () => {
    for (const bad of ['-1', '1.5', 'x', '', '2x']) {
      expect(refusal(() => requireRedis({ redis: 'redis://h:1', durableWrites: bad })).message).toBe(
        `--durable-writes: got ${JSON.stringify(bad)}, expected an integer of 0 or more`,
      );
    }
  });

  it('is refused above 0 beside a store that is not Redis', () => {
    expect(refusal(() => chooseStore({ store: 'memory', durableWrites: '1' })).message).toBe(
      '--durable-writes 1: given with a --store that is not Redis; expected it only with a Redis store (check CADENZA_DURABLE_WRITES)',
    );
    expect(chooseStore({ store: 'memory', durableWrites: '0' })).toEqual({ text: 'memory', flag: '--store' });
  });
});

describe('--prefix and the TLS files with a cluster or sentinels', () => {
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, 'CA');

  it('apply as with --redis', () => {
    const choice = requireRedis({ redisCluster: 'rediss://a:1,rediss://b:2', redisCa: ca, prefix: 'p1' });
    expect(choice.tls).toEqual({ ca: Buffer.from('CA') });
    expect(choice.prefix).toBe('p1');
    expect(requireRedis({ redisSentinel: 'rediss://s:26379', redisSentinelName: 'm', redisCa: ca }).tls).toEqual({
      ca: Buffer.from('CA'),
    });
    expect(refusal(() => requireRedis({ redisCluster: 'rediss://a:1', prefix: 'a b' })).message).toMatch(
      /^--prefix: got "a b"/,
    );
  });

  it('want rediss:// URLs', () => {
    expect(refusal(() => requireRedis({ redisCluster: 'redis://a:1', redisCa: ca })).message).toBe(
      '--redis-ca: given with a --redis-cluster that is not rediss://; expected --redis-cluster rediss://HOST:PORT',
    );
    expect(
      refusal(() => requireRedis({ redisSentinel: 'redis://s:1', redisSentinelName: 'm', redisCa: ca })).message,
    ).toBe(
      '--redis-ca: given with a --redis-sentinel that is not rediss://; expected --redis-sentinel rediss://HOST:PORT',
    );
  });
});
