import type { RedisContext } from '../../context.js';
import { scheduleDeleteAnswer } from '../answers.js';
import { runTenantScripts } from '../tenant-scripts.js';

export async function deleteSchedule(ctx: RedisContext, tenant: string, id: string): Promise<boolean> {
  const [reply] = await runTenantScripts(ctx, [{ tenant, script: 'schedule-delete', args: [id] }]);
  return scheduleDeleteAnswer(reply).deleted;
}
