import type { LeaseState, Settlement } from '@cadenza/core';
import { checkInstant, checkSettlements } from '@cadenza/core/store-kit';
import { encodePayload } from '../codec.js';
import type { RedisContext } from '../context.js';
import { localId } from '../keys.js';
import { leaseStatesAnswer } from './answers.js';
import { byTenant } from './by-tenant.js';
import { runTenantScripts } from './tenant-scripts.js';

/** Ends attempts: one `settle` script per tenant, all in one round trip. */
export async function settle(
  ctx: RedisContext,
  settlements: readonly Settlement[],
  now: number,
): Promise<LeaseState[]> {
  checkInstant('now', now);
  checkSettlements(settlements);
  const states: LeaseState[] = settlements.map(() => 'lost');
  const { groups } = byTenant(settlements, (s) => s.jobId);
  const tenants = [...groups];
  const answers = await runTenantScripts(
    ctx,
    tenants.map(([tenant, group]) => ({ tenant, script: 'settle', args: settleArgs(tenant, group, now) })),
  );
  tenants.forEach(([, group], k) => {
    const answer = leaseStatesAnswer(answers[k], group.length);
    group.forEach(({ index }, j) => {
      states[index] = answer[j] ?? 'lost';
    });
  });
  return states;
}

/**
 * settle.lua's ARGV for one tenant: now, then five per settlement — local id, token,
 * outcome, data (result or error JSON), retryAt ('' for none). Built into one array: a
 * busy worker settles tens of thousands of jobs a second.
 */
function settleArgs(tenant: string, group: readonly { item: Settlement }[], now: number): (string | number)[] {
  const args: (string | number)[] = [now];
  for (const { item } of group) {
    args.push(localId(tenant, item.jobId), item.token);
    switch (item.outcome) {
      case 'succeeded':
        args.push('succeeded', encodePayload(item.result), '');
        break;
      case 'failed':
        args.push(
          'failed',
          JSON.stringify({ code: item.error.code, message: String(item.error.message) }),
          item.retryAt === undefined ? '' : item.retryAt,
        );
        break;
      case 'released':
        args.push('released', '', '');
        break;
    }
  }
  return args;
}
