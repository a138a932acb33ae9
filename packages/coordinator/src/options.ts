import {
  CadenzaError,
  type Clock,
  DEFAULT_MIN_INTERVAL_MS,
  invalidArgument,
  type Logger,
  type RetentionPolicy,
  realClock,
  type Store,
  silentLogger,
} from '@cadenza/core';

export interface CoordinatorOptions {
  store: Store;
  /** Names this coordinator in the leader lease, logs and `/v1/cluster`. */
  id: string;
  clock?: Clock;
  log?: Logger;
  /**
   * How long a leader lease lasts without renewal. Default 8 s, so that a crashed
   * leader's lease lapses and a follower (asking every `followerPollMs`) leads within 9 s.
   */
  leaseTtlMs?: number;
  /** How often the leader renews its lease. Default ttl / 3. */
  renewEveryMs?: number;
  /**
   * How often a follower asks for the lease. Default the smaller of `renewEveryMs` and
   * 500 ms, so that a lease given up by a clean shutdown is taken within half a second.
   */
  followerPollMs?: number;
  /** The longest the leader sleeps between ticks when nothing falls due sooner. Default 1 s. */
  tickMaxMs?: number;
  /** Items per store call (delayed jobs, leases, dependents, schedules). Default 500. */
  batchSize?: number;
  /** Which finished jobs to keep. Default: 7 days and 10,000 per tenant. */
  retention?: RetentionPolicy;
  /** How often retention runs while leading. Default 60 s. */
  retentionEveryMs?: number;
  /**
   * The shortest cadence an `every` schedule fires at, in ms. A schedule stored with a
   * shorter `every` (before the minimum was raised, or written to the store directly) fires
   * every k-th time of its cadence, k × every being at least this. Default 1,000, the
   * minimum the API accepts by default.
   */
  minIntervalMs?: number;
  /** Jobs one schedule may create in one tick; a longer catch-up goes on in the next ticks. Default 100. */
  maxFiresPerTick?: number;
  /** Payload bytes of the jobs one schedule may create in one tick (at least one job goes). Default 8 MiB. */
  maxFirePayloadBytesPerTick?: number;
}

/** The leader lease's default length: a crash is taken over within it (plus one follower poll). */
export const DEFAULT_LEASE_TTL_MS = 8000;

export const DEFAULT_RETENTION: Readonly<RetentionPolicy> = { maxAgeMs: 7 * 24 * 60 * 60 * 1000, maxCount: 10_000 };

/**
 * What one schedule may fire in one tick by default: 100 jobs keep one store write small
 * (a Redis script call of 100 jobs takes about a millisecond) while a catch-up of the
 * largest `maxCatchUp`, 10,000, still ends within 100 ticks; 8 MiB of payload is eight
 * jobs at the default payload limit of 1 MiB.
 */
export const DEFAULT_MAX_FIRES_PER_TICK = 100;
export const DEFAULT_MAX_FIRE_PAYLOAD_BYTES_PER_TICK = 8 * 1024 * 1024;

export interface ResolvedCoordinatorOptions {
  store: Store;
  id: string;
  clock: Clock;
  log: Logger;
  leaseTtlMs: number;
  renewEveryMs: number;
  followerPollMs: number;
  /**
   * The leader stops acting this long before its lease would expire, so that a renewal
   * stuck in the network can never leave two coordinators acting at once. A fifth of the
   * ttl covers ordinary clock drift between nodes.
   */
  leaseMarginMs: number;
  tickMaxMs: number;
  batchSize: number;
  retention: RetentionPolicy;
  retentionEveryMs: number;
  minIntervalMs: number;
  maxFiresPerTick: number;
  maxFirePayloadBytesPerTick: number;
}

function positiveInt(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalidArgument(field, value, 'a positive integer');
  }
  return value;
}

export function resolveCoordinatorOptions(options: CoordinatorOptions): ResolvedCoordinatorOptions {
  if (typeof options.id !== 'string' || options.id.length === 0) {
    throw invalidArgument('id', options.id, 'a non-empty string naming this coordinator');
  }
  const leaseTtlMs = positiveInt('leaseTtlMs', options.leaseTtlMs, DEFAULT_LEASE_TTL_MS);
  const renewEveryMs = positiveInt('renewEveryMs', options.renewEveryMs, Math.max(1, Math.floor(leaseTtlMs / 3)));
  const leaseMarginMs = Math.max(1, Math.floor(leaseTtlMs / 5));
  if (renewEveryMs >= leaseTtlMs - leaseMarginMs) {
    throw new CadenzaError(
      'invalid_argument',
      `renewEveryMs: got ${renewEveryMs}, expected less than ${leaseTtlMs - leaseMarginMs} ` +
        `(leaseTtlMs ${leaseTtlMs} minus its safety margin ${leaseMarginMs}), or the lease would lapse between renewals`,
      { field: 'renewEveryMs' },
    );
  }
  const retention = options.retention ?? DEFAULT_RETENTION;
  return {
    store: options.store,
    id: options.id,
    clock: options.clock ?? realClock,
    log: options.log ?? silentLogger(),
    leaseTtlMs,
    renewEveryMs,
    followerPollMs: positiveInt('followerPollMs', options.followerPollMs, Math.min(renewEveryMs, 500)),
    leaseMarginMs,
    tickMaxMs: positiveInt('tickMaxMs', options.tickMaxMs, 1000),
    batchSize: positiveInt('batchSize', options.batchSize, 500),
    retention: {
      maxAgeMs: positiveInt('retention.maxAgeMs', retention.maxAgeMs, DEFAULT_RETENTION.maxAgeMs),
      maxCount: positiveInt('retention.maxCount', retention.maxCount, DEFAULT_RETENTION.maxCount),
    },
    retentionEveryMs: positiveInt('retentionEveryMs', options.retentionEveryMs, 60_000),
    minIntervalMs: positiveInt('minIntervalMs', options.minIntervalMs, DEFAULT_MIN_INTERVAL_MS),
    maxFiresPerTick: positiveInt('maxFiresPerTick', options.maxFiresPerTick, DEFAULT_MAX_FIRES_PER_TICK),
    maxFirePayloadBytesPerTick: positiveInt(
      'maxFirePayloadBytesPerTick',
      options.maxFirePayloadBytesPerTick,
      DEFAULT_MAX_FIRE_PAYLOAD_BYTES_PER_TICK,
    ),
  };
}
