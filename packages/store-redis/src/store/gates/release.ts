import { asBand, bandPriority } from '../../band.js';
import { execAll, type RedisContext } from '../../context.js';
import { gateKeys, readyKey, signalChannel } from '../../keys.js';

/**
 * Gives gate holds back (lua/gate-release.lua) and wakes the bands whose parked jobs wait
 * for units: they go back into the ready index, and workers hear 'ready'. Called after the
 * tenant scripts that ended active gated jobs (their holders come back in the scripts'
 * replies), and by claims for holds they took but could not use.
 *
 * A process that dies between a tenant script and this call leaves the hold in place until
 * its deadline passes; the next claim that asks for units finds it then and gives it back
 * (gates/claims.ts, `sweep`).
 */
export async function releaseHolds(ctx: RedisContext, holders: readonly string[]): Promise<void> {
  if (holders.length === 0) return;
  const release = ctx.pipeline();
  ctx.scripts.call(release, 'gate-release', gateKeys(ctx.prefix).all, holders);
  const [waiters] = (await execAll(release)) as string[][];
  await wake(ctx, waiters ?? []);
}

/** Puts bands (the gates' waiters) back into the ready index and tells the workers. */
export async function wake(ctx: RedisContext, bands: readonly string[]): Promise<void> {
  if (bands.length === 0) return;
  const pipeline = ctx.pipeline();
  pipeline.zadd(readyKey(ctx.prefix), ...bands.flatMap((member) => [bandPriority(asBand(member)), member]));
  pipeline.publish(signalChannel(ctx.prefix), 'ready');
  await execAll(pipeline);
}
