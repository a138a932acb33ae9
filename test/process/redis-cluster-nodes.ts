/**
 * What the Redis Cluster failover test asks one node of a `startRedisCluster` harness
 * directly, through `redis-cli`: a cluster command, INFO, CONFIG.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One command to the node on `port` (not routed: a cluster command, INFO, CONFIG…); its raw answer. */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args]);
  return stdout;
}

/** The `field:value` lines of `INFO section` on one node. */
export async function info(port: number, section: string): Promise<Map<string, string>> {
  const fields = new Map<string, string>();
  for (const line of (await redisCli(port, 'INFO', section)).split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1));
  }
  return fields;
}
