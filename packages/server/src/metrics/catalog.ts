/**
 * Every metric cadenza registers: name, help and label names, in one place, so that the
 * code, docs/operations.md and the Grafana dashboard and alert rules in deploy/ (checked
 * by a test) speak of the same series. Names carry their unit (`_seconds`, `_total`).
 * Which process registers which group: see createProcessMetrics and its `watch…` calls.
 */
export const METRICS = {
  // Jobs, by the process that saw each event. Enqueued: every job created through this
  // process's store, counted at the store once whichever path created it (instrument-store.ts);
  // canceled: likewise, at the store; the worker's attempts: the rest.
  jobsEnqueued: {
    name: 'cadenza_jobs_enqueued_total',
    help: "Jobs created through this process's store (the HTTP API, schedule fires and triggers, the engine, a client or admin verb on it), by job name and tenant. A repeated idempotency key creates none.",
    labelNames: ['name', 'tenant'],
  },
  jobsStarted: {
    name: 'cadenza_jobs_started_total',
    help: 'Attempts started by this worker, by job name and tenant.',
    labelNames: ['name', 'tenant'],
  },
  jobsSucceeded: {
    name: 'cadenza_jobs_succeeded_total',
    help: 'Jobs that succeeded on this worker, by job name and tenant.',
    labelNames: ['name', 'tenant'],
  },
  jobsFailed: {
    name: 'cadenza_jobs_failed_total',
    help: 'Attempts that failed on this worker (whether or not the job will be retried), by job name and tenant.',
    labelNames: ['name', 'tenant'],
  },
  jobsRetried: {
    name: 'cadenza_jobs_retried_total',
    help: 'Failed attempts that will be retried (the job went back to delayed), by job name and tenant.',
    labelNames: ['name', 'tenant'],
  },
  jobsDead: {
    name: 'cadenza_jobs_dead_total',
    help: 'Jobs that failed for good on this worker (no attempts left), by job name and tenant.',
    labelNames: ['name', 'tenant'],
  },
  jobsCanceled: {
    name: 'cadenza_jobs_canceled_total',
    help: "Jobs canceled through this process's store (the HTTP API, a client or admin verb on it), by job name and tenant.",
    labelNames: ['name', 'tenant'],
  },
  jobDuration: {
    name: 'cadenza_job_duration_seconds',
    help: "Time a handler ran, from the attempt's start to its end, by job name, tenant and outcome (succeeded or failed).",
    labelNames: ['name', 'tenant', 'outcome'],
  },
  jobWait: {
    name: 'cadenza_job_wait_seconds',
    help: 'Time an attempt waited from the moment the job was ready (created, or its runAt / retry time) until it started, by job name and tenant.',
    labelNames: ['name', 'tenant'],
  },
  jobsActive: {
    name: 'cadenza_worker_active_jobs',
    help: 'Jobs this worker holds now (running, waiting for a slot, or being written).',
    labelNames: [],
  },
  workerConcurrency: {
    name: 'cadenza_worker_concurrency',
    help: "This worker's --concurrency: how many jobs it runs at once at most.",
    labelNames: [],
  },
  // The coordinator.
  leader: {
    name: 'cadenza_coordinator_leader',
    help: '1 while this coordinator leads, else 0. sum() over coordinators is 1 in a healthy cluster.',
    labelNames: [],
  },
  leaderEpoch: {
    name: 'cadenza_leader_epoch',
    help: "The fencing epoch of the leader's term, reported by the leader only; it goes up at every change of leader.",
    labelNames: [],
  },
  fireLag: {
    name: 'cadenza_schedule_fire_lag_seconds',
    help: 'How late each schedule fire was written: actual time minus scheduled time. One sample per fire.',
    labelNames: [],
  },
  leaseRecoveries: {
    name: 'cadenza_lease_recoveries_total',
    help: 'Jobs taken back from expired leases, by outcome: requeued (will run again) or failed (no attempts left).',
    labelNames: ['outcome'],
  },
  queueDepth: {
    name: 'cadenza_queue_depth',
    help: 'Jobs kept by the store, by tenant, priority and state, read at each scrape. Cluster-wide: reported by the leading coordinator (or dev) only, so sum() counts each job once.',
    labelNames: ['tenant', 'priority', 'state'],
  },
  clusterNodes: {
    name: 'cadenza_cluster_nodes',
    help: "Live processes in the store's registry, by role (the Redis store keeps one). Cluster-wide: reported by the leading coordinator only.",
    labelNames: ['role'],
  },
  // Every process.
  storeDuration: {
    name: 'cadenza_store_request_duration_seconds',
    help: 'Round-trip time of each call this process made to its store, by Store method.',
    labelNames: ['method'],
  },
  storeErrors: {
    name: 'cadenza_store_errors_total',
    help: "Store calls that failed, by Store method and error code (cadenza's codes, stale_epoch, or other).",
    labelNames: ['method', 'code'],
  },
  httpRequests: {
    name: 'cadenza_http_requests_total',
    help: 'HTTP requests answered, by method, route and status.',
    labelNames: ['method', 'route', 'status'],
  },
  // Servers of the full API (server, dev).
  eventClients: {
    name: 'cadenza_event_clients',
    help: 'Clients reading GET /v1/events (server-sent events) from this process now.',
    labelNames: [],
  },
  eventClientsDropped: {
    name: 'cadenza_event_clients_dropped_total',
    help: 'Clients of GET /v1/events dropped because they stopped reading: the output waiting for them passed the limit.',
    labelNames: [],
  },
} as const;

/** The names of every cadenza_ metric (histograms also export `_bucket`, `_sum` and `_count`). */
export const METRIC_NAMES: readonly string[] = Object.values(METRICS).map((m) => m.name);

// Buckets in seconds. Handlers run from a millisecond to an hour; waits and fire lag should
// be well under a second in a healthy cluster, and above a minute is an alert.
export const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
export const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
export const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
