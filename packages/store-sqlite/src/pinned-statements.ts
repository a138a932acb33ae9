/**
 * Statements that read the jobs of one status through that status's partial index
 * (schema.ts), pinned to it with INDEXED BY. Without statistics, SQLite's planner may
 * rank an equality on the leading column of the listing indexes (`jobs_status_newest`,
 * `jobs_tenant_status_newest`, schema version 4; it did at version 4) above these partial
 * indexes, and then read every job of the status and sort them: promoting delayed jobs,
 * taking back leases, counting holdings and computing the next due time would grow with
 * the history.
 * Pinned, a statement fails to prepare if its index is ever gone rather than slowing down
 * unseen. The query-plan tests read these same strings.
 */

/** Delayed jobs due by `?` (now), earliest first; at most `?`. */
export const DUE_DELAYED =
  "SELECT id FROM jobs INDEXED BY jobs_delayed WHERE status = 'delayed' AND run_at <= ? ORDER BY run_at, qseq LIMIT ?";

/** Active jobs whose lease expired by `?` (now), earliest first; at most `?`. */
export const EXPIRED_LEASES = `SELECT id FROM jobs INDEXED BY jobs_leases
  WHERE status = 'active' AND lease_expires_at <= ? ORDER BY lease_expires_at, qseq LIMIT ?`;

/** Finished jobs by tenant, most recently finished first (retention). */
export const FINISHED_BY_TENANT = `SELECT id, tenant, COALESCE(finished_at, created_at) AS ended
  FROM jobs INDEXED BY jobs_finished WHERE status IN ('succeeded', 'failed', 'canceled')
  ORDER BY tenant, ended DESC, created_at DESC, id DESC`;

/** The earliest delayed runAt, lease expiry, unpaused fire, or end of a parent with children to settle. */
export const NEXT_DUE = `SELECT MIN(
    COALESCE((SELECT MIN(run_at) FROM jobs INDEXED BY jobs_delayed WHERE status = 'delayed'), 9e999),
    COALESCE((SELECT MIN(lease_expires_at) FROM jobs INDEXED BY jobs_leases WHERE status = 'active'), 9e999),
    COALESCE((SELECT MIN(next_fire_at) FROM schedules WHERE paused = 0 AND next_fire_at IS NOT NULL), 9e999),
    COALESCE((SELECT MIN(ended_at) FROM pending_parents), 9e999)
  ) AS due`;

/** What every active job holds (resources and per-name concurrency). */
export const ACTIVE_HOLDINGS = "SELECT name, resources FROM jobs INDEXED BY jobs_active_gates WHERE status = 'active'";

/** How many of tenant `?`'s jobs are active (`maxActive`). */
export const ACTIVE_OF_TENANT =
  "SELECT COUNT(*) AS n FROM jobs INDEXED BY jobs_active_tenant WHERE status = 'active' AND tenant = ?";
