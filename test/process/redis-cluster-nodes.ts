/**
 * What the Redis Cluster failover test does to the nodes of a `startRedisCluster` harness
 * beyond the harness itself: ask one node a question through `redis-cli`, and start a killed
 * node again the way its supervisor would, from its own config and append-only file, so that
 * it rejoins as a replica of the node that took its place.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { waitFor } from './cadenza-process.js';

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

export interface RestartedNode {
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts the node the harness killed on `port` again, with the arguments the harness gave it
 * (the same folder, hence the same nodes-PORT.conf and append-only file), and waits until it
 * has rejoined as a replica whose link to its primary is up: until then the promoted primary
 * has no replica and a write that waits for one (`durableWrites: 1`) cannot be acknowledged.
 * `alive` is any node still running, asked for the harness's folder.
 */
export async function restartAsReplica(
  port: number,
  alive: number,
  options: { appendOnly: boolean; nodeTimeoutMs: number },
): Promise<RestartedNode> {
  const dir = (await redisCli(alive, 'CONFIG', 'GET', 'dir')).split('\n')[1]?.trim();
  if (dir === undefined || dir === '') throw new Error(`node ${alive} did not name its folder`);
  // The same arguments as the harness's spawnNode, so that the node finds its own files.
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--dir',
    dir,
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    `nodes-${port}.conf`,
    '--cluster-node-timeout',
    String(options.nodeTimeoutMs),
    '--appendonly',
    options.appendOnly ? 'yes' : 'no',
    '--appendfilename',
    `appendonly-${port}.aof`,
    '--appenddirname',
    `aof-${port}`,
  ];
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor(
      () => `node ${port} to rejoin as a replica with its link up${stderr === '' ? '' : ` (stderr: ${stderr})`}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${stderr}`);
        const replication = await info(port, 'replication');
        return replication.get('role') === 'slave' && replication.get('master_link_status') === 'up';
      },
      30_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, stop };
}
