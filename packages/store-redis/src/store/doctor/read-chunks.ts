import type { Redis } from 'ioredis';
import { isCluster, type RedisContext } from '../../context.js';

/**
 * The doctor reads a store in use, so it reads in chunks: every command below answers at
 * most about CHUNK items, and nothing is read whole. SCAN-family reads may return an item
 * twice or miss one that moved meanwhile; the checks built on them confirm what they find
 * before reporting it (doctor.ts).
 */
export const CHUNK = 500;

/** The fields and values of hash `key`, a chunk at a time. */
export async function* hashChunks(ctx: RedisContext, key: string): AsyncGenerator<[string, string][]> {
  let cursor = '0';
  do {
    const [next, flat] = await ctx.redis.hscan(key, cursor, 'COUNT', CHUNK);
    cursor = next;
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string]);
    if (pairs.length > 0) yield pairs;
  } while (cursor !== '0');
}

/** The members and scores of sorted set `key`, a chunk at a time. */
export async function* sortedChunks(ctx: RedisContext, key: string): AsyncGenerator<[string, number][]> {
  let cursor = '0';
  do {
    const [next, flat] = await ctx.redis.zscan(key, cursor, 'COUNT', CHUNK);
    cursor = next;
    const pairs: [string, number][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] as string, Number(flat[i + 1])]);
    if (pairs.length > 0) yield pairs;
  } while (cursor !== '0');
}

/** The entry ids of stream `key`, oldest first, a chunk at a time. */
export async function* streamChunks(ctx: RedisContext, key: string): AsyncGenerator<string[]> {
  let from = '-';
  for (;;) {
    const entries = (await ctx.redis.xrange(key, from, '+', 'COUNT', CHUNK)) as [string, string[]][];
    if (entries.length === 0) return;
    const ids = entries.map(([id]) => id);
    yield ids;
    if (entries.length < CHUNK) return;
    from = `(${ids[ids.length - 1]}`;
  }
}

/** Every key matching `pattern`, on every primary of a cluster, a chunk at a time. */
export async function* keyChunks(ctx: RedisContext, pattern: string): AsyncGenerator<string[]> {
  const nodes: Redis[] = isCluster(ctx.redis) ? ctx.redis.nodes('master') : [ctx.redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', CHUNK);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }
}
