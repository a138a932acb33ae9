/**
 * Version 1 of the database layout. Times are epoch milliseconds; JSON values (payload,
 * result, progress, tags, error, triggers, templates) are stored as JSON text, NULL
 * standing for `undefined`.
 *
 *   jobs ─┬─ job_deps (child → parent, in the order children were added)
 *         └─ pending_parents (parents that ended with children, for releaseDependents)
 *   ring + turns: the fair round robin of tenants per priority band (see fairness.ts)
 *   schedules, leader (one row), counters (one growing sequence)
 *
 * `qseq` is a job's place in line: it takes a fresh value from the `seq` counter whenever
 * the job enters waiting, delayed or active (or its lease is extended), so that waiting
 * jobs are served first in, first out per tenant, and equal due times break ties in the
 * order they were set.
 */
export const SCHEMA_V1 = `
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters (name, value) VALUES ('seq', 0);

CREATE TABLE jobs (
  id               TEXT PRIMARY KEY,
  tenant           TEXT NOT NULL,
  name             TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN
                     ('waiting', 'delayed', 'blocked', 'active', 'succeeded', 'failed', 'canceled')),
  priority         INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 9),
  payload          TEXT,
  tags             TEXT NOT NULL,
  max_attempts     INTEGER NOT NULL,
  backoff          TEXT,
  timeout_ms       INTEGER,
  idempotency_key  TEXT,
  depends_on       TEXT NOT NULL,
  run_at           INTEGER,
  schedule_id      TEXT,
  scheduled_for    INTEGER,
  attempt          INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  started_at       INTEGER,
  finished_at      INTEGER,
  result           TEXT,
  error            TEXT,
  progress         TEXT,
  lease_worker     TEXT,
  lease_token      TEXT,
  lease_expires_at INTEGER,
  qseq             INTEGER NOT NULL
);
-- The claim path: the head of each (priority, tenant) queue.
CREATE INDEX jobs_claim ON jobs (priority, tenant, qseq) WHERE status = 'waiting';
CREATE INDEX jobs_delayed ON jobs (run_at, qseq) WHERE status = 'delayed';
CREATE INDEX jobs_leases ON jobs (lease_expires_at, qseq) WHERE status = 'active';
CREATE UNIQUE INDEX jobs_idempotency ON jobs (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX jobs_fires ON jobs (tenant, schedule_id, scheduled_for)
  WHERE schedule_id IS NOT NULL AND scheduled_for IS NOT NULL;
CREATE INDEX jobs_newest ON jobs (created_at, id);
CREATE INDEX jobs_tenant_newest ON jobs (tenant, created_at, id);
CREATE INDEX jobs_depths ON jobs (tenant, priority, status);
CREATE INDEX jobs_finished ON jobs (tenant, finished_at)
  WHERE status IN ('succeeded', 'failed', 'canceled');

CREATE TABLE job_deps (
  seq       INTEGER PRIMARY KEY,
  child_id  TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  parent_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE
);
CREATE INDEX job_deps_parent ON job_deps (parent_id, seq);
CREATE INDEX job_deps_child ON job_deps (child_id);

CREATE TABLE pending_parents (
  job_id   TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  ended_at INTEGER NOT NULL,
  seq      INTEGER NOT NULL
);
CREATE INDEX pending_parents_order ON pending_parents (seq);
CREATE INDEX pending_parents_ended ON pending_parents (ended_at);

CREATE TABLE ring (
  priority INTEGER NOT NULL,
  tenant   TEXT NOT NULL,
  pos      INTEGER NOT NULL,
  PRIMARY KEY (priority, tenant)
) WITHOUT ROWID;
CREATE UNIQUE INDEX ring_order ON ring (priority, pos);

CREATE TABLE turns (
  priority   INTEGER PRIMARY KEY,
  cursor_pos INTEGER NOT NULL,
  served     INTEGER NOT NULL
);
INSERT INTO turns (priority, cursor_pos, served)
  VALUES (0, 0, 0), (1, 0, 0), (2, 0, 0), (3, 0, 0), (4, 0, 0), (5, 0, 0), (6, 0, 0), (7, 0, 0), (8, 0, 0), (9, 0, 0);

CREATE TABLE schedules (
  tenant           TEXT NOT NULL,
  id               TEXT NOT NULL,
  trigger          TEXT NOT NULL,
  job              TEXT NOT NULL,
  misfire          TEXT NOT NULL,
  max_catch_up     INTEGER NOT NULL,
  misfire_grace_ms INTEGER NOT NULL,
  paused           INTEGER NOT NULL,
  run_count        INTEGER NOT NULL,
  last_fire_at     INTEGER,
  next_fire_at     INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  due_seq          INTEGER NOT NULL,
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX schedules_due ON schedules (next_fire_at, due_seq) WHERE paused = 0 AND next_fire_at IS NOT NULL;

-- The leader lease: one row. node_id is NULL while nobody holds it; epoch only grows.
CREATE TABLE leader (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  node_id    TEXT,
  epoch      INTEGER NOT NULL,
  expires_at INTEGER
);
INSERT INTO leader (id, node_id, epoch, expires_at) VALUES (1, NULL, 0, NULL);
`;

/**
 * Version 2: per-tenant limits (core's TenantLimits), checked at claim time.
 *
 *   buckets: a tenant's rate-limit token bucket, `tokens` as they stood at `at` (the
 *            `now` of the claim that last took one); no row is a full bucket. Shared by
 *            every process on the file, while the limits themselves are each store's option.
 *   jobs_active_tenant: counts a tenant's active jobs for `maxActive` without walking
 *            its history (the partial index holds active jobs only).
 */
export const SCHEMA_V2 = `
CREATE TABLE buckets (
  tenant TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  at     REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX jobs_active_tenant ON jobs (tenant) WHERE status = 'active';
`;

/**
 * Version 3: named resources and per-name concurrency (core's ResourceLimits).
 *
 *   jobs.resources: the units a job declares (JSON, NULL when it declares none).
 *   jobs_active_gates: what active jobs hold, read at claim time (gates.ts) from this
 *            covering partial index, so counting holdings never walks the job history.
 *            Holdings are derived, not kept: a job gives its units back however it stops
 *            being active, with no table to keep in step.
 */
export const SCHEMA_V3 = `
ALTER TABLE jobs ADD COLUMN resources TEXT;
CREATE INDEX jobs_active_gates ON jobs (name, resources) WHERE status = 'active';
`;

/**
 * Version 4: listing (list-jobs.ts). listJobs reads a page in list order (newest first by
 * `created_at`, then `id`) from the index of its filters, so that a page never sorts or
 * scans the job table, however many jobs it holds:
 *
 *   no filter          jobs_newest (version 1)
 *   tenant             jobs_tenant_newest (version 1)
 *   status             jobs_status_newest
 *   name               jobs_name_newest
 *   tenant + status    jobs_tenant_status_newest
 *   name + status      jobs_name_status_newest
 *   tag (+ tenant)     job_tags: one row per tag of a job, with the job's tenant and
 *                      `created_at` copied (neither changes), indexed by both; deleted
 *                      with its job through the foreign key.
 *
 * Other combinations read the index of the filters it covers and check the rest on a
 * bounded stretch of it (see list-jobs.ts). Existing jobs' tags are copied in here.
 */
export const SCHEMA_V4 = `
CREATE INDEX jobs_status_newest ON jobs (status, created_at, id);
CREATE INDEX jobs_name_newest ON jobs (name, created_at, id);
CREATE INDEX jobs_tenant_status_newest ON jobs (tenant, status, created_at, id);
CREATE INDEX jobs_name_status_newest ON jobs (name, status, created_at, id);

CREATE TABLE job_tags (
  job_id     TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  tag        TEXT NOT NULL,
  tenant     TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (job_id, tag)
) WITHOUT ROWID;
CREATE INDEX job_tags_newest ON job_tags (tag, created_at, job_id);
CREATE INDEX job_tags_tenant_newest ON job_tags (tenant, tag, created_at, job_id);
INSERT OR IGNORE INTO job_tags (job_id, tag, tenant, created_at)
  SELECT jobs.id, tags.value, jobs.tenant, jobs.created_at FROM jobs, json_each(jobs.tags) AS tags;
`;

/**
 * Version 5: the status listing indexes of version 4 hold only jobs at rest (delayed,
 * blocked, succeeded, failed, canceled). Every job passes through waiting and active, and
 * each move in or out of a status rewrites an entry of every index that leads with it:
 * with three such indexes, `cadenza dev` ran about 30% fewer jobs a second than at version
 * 3 (bench/dev-sqlite.mjs). Now a job's run costs one entry per index, written when it ends.
 * Waiting and active jobs are listed like any filter without an index of its own: from the
 * index of the other filters, checking status on a bounded stretch (list-jobs.ts). The
 * name + status index goes too; name + status reads the name index that way.
 */
export const SCHEMA_V5 = `
DROP INDEX jobs_status_newest;
DROP INDEX jobs_tenant_status_newest;
DROP INDEX jobs_name_status_newest;
CREATE INDEX jobs_status_newest ON jobs (status, created_at, id) WHERE status NOT IN ('waiting', 'active');
CREATE INDEX jobs_tenant_status_newest ON jobs (tenant, status, created_at, id)
  WHERE status NOT IN ('waiting', 'active');
`;

/**
 * Version 6: the leader's last tick (`recordLeaderTick`), so that another process on the
 * file (`cadenza status --store sqlite:PATH` beside a running `cadenza dev`) can tell when
 * the leader last worked. NULL until the term's first tick; a new epoch clears it.
 */
export const SCHEMA_V6 = `
ALTER TABLE leader ADD COLUMN ticked_at INTEGER;
`;

/**
 * Version 7: what the dashboard reads (core's Store.activity, Store.pastAttempts,
 * Schedule.lastJobId).
 *
 *   activity: jobs that ended succeeded or failed, and attempts retried, per tenant and
 *            minute (`at`, the minute's first instant). A tenant's rows an hour older than
 *            its newest are deleted when a new minute's row is made (dashboard-reads.ts),
 *            so the table holds about an hour per tenant.
 *   past_attempts: attempts that ended before a job's latest one began, the newest 25 per
 *            job; `error` is JSON. Deleted with its job through the foreign key.
 *   schedules.last_job_id: the job of the schedule's latest fire; NULL before the first
 *            (and for schedules that fired before this version).
 */
export const SCHEMA_V7 = `
ALTER TABLE schedules ADD COLUMN last_job_id TEXT;

CREATE TABLE activity (
  tenant    TEXT NOT NULL,
  at        INTEGER NOT NULL,
  succeeded INTEGER NOT NULL DEFAULT 0,
  failed    INTEGER NOT NULL DEFAULT 0,
  retried   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, at)
) WITHOUT ROWID;

CREATE TABLE past_attempts (
  seq        INTEGER PRIMARY KEY,
  job_id     TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  attempt    INTEGER NOT NULL,
  started_at INTEGER,
  ended_at   INTEGER NOT NULL,
  worker_id  TEXT,
  error      TEXT NOT NULL
);
CREATE INDEX past_attempts_job ON past_attempts (job_id, seq);
`;
