import type { ChainableCommander, Cluster } from 'ioredis';
import { Command } from 'ioredis';
import { slotOf } from './slot.js';

type Reply = [Error | null, unknown];

interface Queued {
  name: string;
  args: unknown[];
}

/**
 * A pipeline for a Redis Cluster whose commands may live on several primaries. ioredis
 * sends a cluster pipeline to one node and refuses one whose keys span primaries; the
 * store's pipelines do span them (a claim reads the cross-tenant ready index and calls
 * several tenants' functions in one round trip). This one queues the commands, then sends
 * one ioredis pipeline per primary, all at once, and puts the replies back in order.
 *
 * Order is kept within a primary, not across them: the store never relies on it, since
 * every tenant's keys share one slot and the cross-tenant indexes are designed to lag
 * (README.md, "Redis Cluster"). Commands without keys (PUBLISH) go last, after every
 * primary has answered, so that a signal never outruns the write it announces. `WAIT`
 * goes to every primary that was given a write: it is about what that connection wrote.
 */
export function splitPipeline(cluster: Cluster): ChainableCommander {
  const queue: Queued[] = [];
  const pipeline: ChainableCommander = new Proxy({} as ChainableCommander, {
    get(_target, property) {
      if (property === 'length') return queue.length;
      if (property === 'exec') return () => execSplit(cluster, queue);
      // Not a thenable: `await pipeline` must not call a queued `then`.
      if (typeof property !== 'string' || property === 'then') return undefined;
      return (...args: unknown[]) => {
        queue.push({ name: property.toLowerCase(), args });
        return pipeline;
      };
    },
  });
  return pipeline;
}

/** Where a queued command goes: a slot, or none (keyless), or every writing group (WAIT). */
function slotOfCommand(command: Queued): number | 'none' | 'wait' {
  if (command.name === 'wait') return 'wait';
  const keys = new Command(command.name, command.args as string[]).getKeys();
  if (keys.length === 0) return 'none';
  const slot = slotOf(String(keys[0]));
  for (const key of keys) {
    if (slotOf(String(key)) !== slot) throw new Error(`CROSSSLOT: ${command.name} names keys in several slots`);
  }
  return slot;
}

/** A function call that may write: what a durable write's WAIT is about. */
function isWrite(command: Queued): boolean {
  return command.name === 'fcall';
}

async function execSplit(cluster: Cluster, queue: readonly Queued[]): Promise<Reply[]> {
  const replies: Reply[] = new Array(queue.length);
  const groups = new Map<unknown, { indexes: number[]; writes: boolean }>();
  const keyless: number[] = [];
  const waits: number[] = [];
  queue.forEach((command, index) => {
    let slot: number | 'none' | 'wait';
    try {
      slot = slotOfCommand(command);
    } catch (error) {
      replies[index] = [error as Error, null];
      return;
    }
    if (slot === 'none') keyless.push(index);
    else if (slot === 'wait') waits.push(index);
    else {
      const group = groupOf(cluster, slot);
      let members = groups.get(group);
      if (members === undefined) {
        members = { indexes: [], writes: false };
        groups.set(group, members);
      }
      members.indexes.push(index);
      if (isWrite(command)) members.writes = true;
    }
  });
  const waited: Reply[] = [];
  await Promise.all(
    [...groups.values()].map(async ({ indexes, writes }) => {
      const wait = writes ? waits.map((index) => queue[index] as Queued) : [];
      const answers = await sendGroup(cluster, [...indexes.map((index) => queue[index] as Queued), ...wait]);
      indexes.forEach((index, k) => {
        replies[index] = answers[k] as Reply;
      });
      for (const reply of answers.slice(indexes.length)) waited.push(reply);
    }),
  );
  // WAIT answers how many replicas have the writes: the fewest any primary got.
  for (const index of waits) {
    const failed = waited.find(([error]) => error !== null);
    const counts = waited.map(([, count]) => Number(count));
    replies[index] = failed ?? [null, counts.length === 0 ? Number.MAX_SAFE_INTEGER : Math.min(...counts)];
  }
  if (keyless.length > 0) {
    const answers = await sendGroup(
      cluster,
      keyless.map((index) => queue[index] as Queued),
    );
    keyless.forEach((index, k) => {
      replies[index] = answers[k] as Reply;
    });
  }
  // ioredis refreshes its slot map on a MOVED it handles itself, not on one it hands back
  // (a pipeline it would not resend): without this, a store first used after a failover
  // kept asking the old primary.
  if (replies.some((reply) => reply?.[0] !== null && /^(MOVED|CLUSTERDOWN) /.test(String(reply?.[0]?.message)))) {
    cluster.refreshSlotsCache();
  }
  return replies;
}

/**
 * The primary serving a slot, as ioredis groups slots by the nodes that serve them (its
 * own pipelines check the same). Unknown before the first slot map: the slot itself.
 */
function groupOf(cluster: Cluster, slot: number): unknown {
  const groups = (cluster as unknown as { _groupsBySlot?: Record<number, unknown> })._groupsBySlot;
  return groups?.[slot] ?? `slot ${slot}`;
}

/**
 * One ioredis pipeline. When the slot map changed between the grouping and the send
 * (a failover, a slot moved), ioredis refuses it as a whole before sending anything:
 * it is then sent again one slot at a time, each of which ioredis routes and redirects.
 */
async function sendGroup(cluster: Cluster, commands: readonly Queued[]): Promise<Reply[]> {
  try {
    return await sendAsOne(cluster, commands);
  } catch (error) {
    if (!/slots allocation group/.test((error as Error).message)) throw error;
  }
  const bySlot = new Map<number | string, number[]>();
  commands.forEach((command, index) => {
    const slot = slotOfCommand(command);
    const members = bySlot.get(slot) ?? [];
    members.push(index);
    bySlot.set(slot, members);
  });
  const replies: Reply[] = new Array(commands.length);
  await Promise.all(
    [...bySlot.values()].map(async (indexes) => {
      const answers = await sendAsOne(
        cluster,
        indexes.map((index) => commands[index] as Queued),
      );
      indexes.forEach((index, k) => {
        replies[index] = answers[k] as Reply;
      });
    }),
  );
  return replies;
}

async function sendAsOne(cluster: Cluster, commands: readonly Queued[]): Promise<Reply[]> {
  const pipeline = cluster.pipeline(commands.map((command) => [command.name, ...command.args]) as string[][]);
  const replies = (await pipeline.exec()) as Reply[] | null;
  if (replies === null) throw new Error('redis pipeline was discarded');
  return replies;
}
