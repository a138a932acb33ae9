import type { NewJob } from '@cadenza/core';
import { newJob as coreNewJob } from '@cadenza/core/testing';
import type { Redis } from 'ioredis';

let sequence = 0;

/** A ready job (core's test job); ids embed the tenant and sort in creation order. */
export function newJob(tenant: string, priority: number, payload: unknown = { n: sequence }): NewJob {
  sequence++;
  const id = `${tenant}:${sequence.toString(36).padStart(8, '0')}`;
  return coreNewJob({ id, name: 'test.job', tenant, payload, priority });
}

/**
 * Counts writes to the client's socket: ioredis writes a pipeline in one go and a single
 * command on its own, so with calls awaited one after another this is the round trips.
 */
export async function countRoundTrips(redis: Redis): Promise<{ count(): number; reset(): void }> {
  // The socket exists only once connected; a reconnect replaces it (and ends the count).
  await redis.ping();
  const stream = redis.stream as { write: (...args: unknown[]) => boolean };
  const write = stream.write.bind(stream);
  let writes = 0;
  stream.write = (...args: unknown[]) => {
    writes++;
    return write(...args);
  };
  return {
    count: () => writes,
    reset: () => {
      writes = 0;
    },
  };
}

/** Calls per command since the last `CONFIG RESETSTAT`, and their total server time. */
export async function commandStats(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const info = await redis.info('commandstats');
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    stats.set(match[1] ?? '', { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}
