import type { Store } from '@cadenza/core';
import { UsageError } from '../errors.js';
import { TRANSFER_NODE_ID } from './write-schedules.js';

// A transfer copies a store at rest. Processes running on the source change it under the
// copy; processes running on the target would claim, fire and promote while it is being
// written. Both are refused (exit 2, nothing written) unless --force.

/**
 * Why `store` is in use at `now`, or undefined when it is not: a leader's live lease, or
 * processes that reported lately. The lease of an interrupted transfer does not count.
 */
export async function whyInUse(store: Store, now: number): Promise<string | undefined> {
  const leading = await leaderOf(store, now);
  if (leading !== undefined) return leading;
  const nodes = (await store.listNodes?.(now)) ?? [];
  if (nodes.length > 0) {
    const names = nodes.slice(0, 5).map((node) => `${node.role} ${node.id}`);
    return `${nodes.length} process${nodes.length === 1 ? '' : 'es'} reported lately (${names.join(', ')})`;
  }
  return undefined;
}

/** Refuses to write into a store in use, naming its flag (`--to`, `--store`). */
export async function refuseBusyTarget(store: Store, flag: string, now: number, force: boolean): Promise<void> {
  if (force) return;
  const why = await whyInUse(store, now);
  if (why !== undefined) {
    throw new UsageError(
      `${flag}: the store is in use: ${why}; stop its processes first (or give --force to write into it anyway)`,
    );
  }
}

/** Refuses to read a store a leader is changing, naming its flag (`--from`, `--store`). */
export async function refuseBusySource(store: Store, flag: string, now: number, force: boolean): Promise<void> {
  if (force) return;
  const leading = await leaderOf(store, now);
  if (leading !== undefined) {
    throw new UsageError(
      `${flag}: the store is in use: ${leading}, so jobs change under the copy; stop its processes first (or give --force to copy it anyway)`,
    );
  }
}

/** Which coordinator holds a live leader lease on `store` and until when; an interrupted transfer's lease does not count. */
async function leaderOf(store: Store, now: number): Promise<string | undefined> {
  const leader = await store.getLeadership(now);
  if (leader === undefined || leader.nodeId === TRANSFER_NODE_ID) return undefined;
  return `a coordinator (${leader.nodeId}) holds the leader lease until ${new Date(leader.expiresAt).toISOString()}`;
}
