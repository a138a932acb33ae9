/**
 * What a Redis user needs to run cadenza under one key prefix, and nothing more: every key
 * is `<prefix>:…` (tenant keys `<prefix>:{t:<tenant>}:…`, see keys.ts), and the one pub/sub
 * channel is `<prefix>:signal`. Commands called inside the Lua functions are checked
 * against the calling user too, so those are listed as well as the ones sent directly.
 * `FUNCTION LOAD` installs the library (once per version), `INFO` is the version check
 * (and ioredis's ready check). docs/operations.md shows the line for the prefix `cz`.
 * On a Redis Cluster the same user goes on every node.
 */
export const ACL_COMMANDS: readonly string[] = [
  // Connection, version check, library, function calls, signals.
  'ping',
  'info',
  'quit',
  'function|load',
  'function|list',
  'fcall',
  'fcall_ro',
  'publish',
  'subscribe',
  // A Redis Cluster's client reads the slot map and follows a slot half moved (ASKING);
  // durable writes wait for replicas (WAIT).
  'cluster|slots',
  'asking',
  'wait',
  // Data, sent directly or from the functions.
  'del',
  'exists',
  'pexpire',
  'incrby',
  'hdel',
  'hexists',
  'hget',
  'hgetall',
  'hincrby',
  'hkeys',
  'hlen',
  'hmget',
  'hset',
  'hsetnx',
  'llen',
  'lindex',
  'lpop',
  'lrem',
  'rpush',
  'sadd',
  'smembers',
  'srem',
  'zadd',
  'zcard',
  'zmscore',
  'zrange',
  'zrangebylex',
  'zrangebyscore',
  'zrem',
  'zremrangebylex',
  'zrevrangebylex',
  'zscore',
  'xadd',
  'xdel',
  'xgroup|create',
  'xlen',
  'xrange',
  'xread',
  'xreadgroup',
  'xrevrange',
  'xtrim',
  // `cadenza doctor` walks keys, hashes, sets and sorted sets in chunks.
  'scan',
  'hscan',
  'sscan',
  'zscan',
  'sismember',
  'lpos',
];

/**
 * The ACL rules of a user limited to `prefix` (after `user NAME on >PASSWORD` in redis.conf,
 * or `ACL SETUSER NAME on >PASSWORD`): its keys and channel only, no other command.
 */
export function aclRules(prefix = 'cz'): string {
  return [
    'resetkeys',
    'resetchannels',
    `~${prefix}:*`,
    `&${prefix}:*`,
    '-@all',
    ...ACL_COMMANDS.map((command) => `+${command}`),
  ].join(' ');
}
