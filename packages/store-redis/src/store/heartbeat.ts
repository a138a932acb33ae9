import type { HeartbeatEntry, LeaseState } from '@cadenza/core';
import { checkHeartbeats } from '@cadenza/core/store-kit';
import { encodePayload } from '../codec.js';
import type { RedisContext } from '../context.js';
import { localId } from '../keys.js';
import { leaseStatesAnswer } from './answers.js';
import { byTenant } from './by-tenant.js';
import { runTenantScripts } from './tenant-scripts.js';

/** Extends leases: one `heartbeat` script per tenant, all in one round trip. */
export async function heartbeat(
  ctx: RedisContext,
  entries: readonly HeartbeatEntry[],
  leaseMs: number,
  now: number,
): Promise<LeaseState[]> {
  checkHeartbeats(entries, leaseMs, now);
  const states: LeaseState[] = entries.map(() => 'lost');
  const { groups } = byTenant(entries, (entry) => entry.jobId);
  const tenants = [...groups];
  const answers = await runTenantScripts(
    ctx,
    tenants.map(([tenant, group]) => ({
      tenant,
      script: 'heartbeat',
      args: [
        now + leaseMs,
        ...group.flatMap(({ item }) => [localId(tenant, item.jobId), item.token, encodePayload(item.progress)]),
      ],
    })),
  );
  tenants.forEach(([, group], k) => {
    const answer = leaseStatesAnswer(answers[k], group.length);
    group.forEach(({ index }, j) => {
      states[index] = answer[j] ?? 'lost';
    });
  });
  return states;
}
