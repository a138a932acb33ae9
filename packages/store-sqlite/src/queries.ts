import { JOB_STATUSES, type QueueDepth } from '@cadenza/core';
import type { Ctx } from './context.js';

/** Counts by tenant, priority and status; sorted by tenant, then priority (high first), then status. */
export function depths(ctx: Ctx): QueueDepth[] {
  const rows = ctx
    .sql('SELECT tenant, priority, status, COUNT(*) AS count FROM jobs GROUP BY tenant, priority, status')
    .all() as QueueDepth[];
  return rows.sort(
    (a, b) =>
      (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0) ||
      b.priority - a.priority ||
      JOB_STATUSES.indexOf(a.status) - JOB_STATUSES.indexOf(b.status),
  );
}
