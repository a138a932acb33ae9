import type { RedisContext } from '../../context.js';
import { runTenantScripts } from '../tenant-scripts.js';

export async function deleteSchedule(ctx: RedisContext, tenant: string, id: string): Promise<boolean> {
  const [reply] = await runTenantScripts(ctx, [{ tenant, script: 'schedule-delete', args: [id] }]);
  return Number(reply?.[0]) === 1;
}
