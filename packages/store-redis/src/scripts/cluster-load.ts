import type { Cluster, Redis } from 'ioredis';
import { ensureLibrary, type Library, loadLibrary } from './loader.js';

/**
 * A Functions library lives on each Redis of a cluster on its own: FUNCTION LOAD on one
 * primary reaches its replicas, not the other primaries. These load it on every primary
 * the client knows of (its slot map, made when it connects), waiting for that map first.
 */
export async function ensureOnEveryPrimary(client: Redis | Cluster, library: Library): Promise<void> {
  await Promise.all((await primaries(client as Cluster)).map((primary) => ensureLibrary(primary, library)));
}

/** FUNCTION LOAD REPLACE on every primary: one of them answered that a function is missing. */
export async function loadOnEveryPrimary(client: Redis | Cluster, library: Library): Promise<void> {
  await Promise.all((await primaries(client as Cluster)).map((primary) => loadLibrary(primary, library)));
}

async function primaries(cluster: Cluster): Promise<Redis[]> {
  // Any command waits for the slot map (or fails as the cluster's other commands would).
  if (cluster.status !== 'ready') await cluster.ping();
  const found = cluster.nodes('master');
  if (found.length === 0) throw new Error('redis cluster: no primary is known yet');
  return found;
}
