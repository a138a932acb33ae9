import type { RedisContext } from '../context.js';
import { dueAtAnswer } from './answers.js';
import { runTenantScripts } from './tenant-scripts.js';
import { allTenants } from './upkeep-tenants.js';

/**
 * The earliest instant at which the coordinator has work: over every tenant, the first
 * delayed runAt, lease expiry, schedule fire, and the end of the first parent whose
 * children await release (lua/due-at.lua, one script per tenant, pipelined).
 */
export async function nextDueAt(ctx: RedisContext): Promise<number | undefined> {
  const tenants = await allTenants(ctx);
  const answers = await runTenantScripts(
    ctx,
    tenants.map((tenant) => ({ tenant, script: 'due-at', args: [] })),
  );
  let due: number | undefined;
  for (const answer of answers) {
    const at = dueAtAnswer(answer);
    if (at !== undefined && (due === undefined || at < due)) due = at;
  }
  return due;
}
