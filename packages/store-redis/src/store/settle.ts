import { checkInstant, checkSettlements, type LeaseState, type Settlement } from '@cadenza/core';
import { encodePayload } from '../codec.js';
import type { RedisContext } from '../context.js';
import { localId } from '../keys.js';
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
    tenants.map(([tenant, group]) => ({
      tenant,
      script: 'settle',
      args: [now, ...group.flatMap(({ item }) => [localId(tenant, item.jobId), item.token, ...outcomeArgs(item)])],
    })),
  );
  tenants.forEach(([, group], k) => {
    group.forEach(({ index }, j) => {
      states[index] = (answers[k]?.[j] as LeaseState | undefined) ?? 'lost';
    });
  });
  return states;
}

/** outcome, data (result or error JSON), retryAt ('' for none): as settle.lua reads them. */
function outcomeArgs(s: Settlement): [string, string, string | number] {
  switch (s.outcome) {
    case 'succeeded':
      return ['succeeded', encodePayload(s.result), ''];
    case 'failed':
      return [
        'failed',
        JSON.stringify({ code: s.error.code, message: String(s.error.message) }),
        s.retryAt === undefined ? '' : s.retryAt,
      ];
    case 'released':
      return ['released', '', ''];
  }
}
