/**
 * The seeded plan of a chaos run: which fault hits which process when, for how long, each
 * coordinator start's clock offset, and the workload. The same seed gives the same plan
 * (the run's timing, real processes on a real machine, varies a little around it).
 */
import { seededRandom } from '@cadenza/core/testing';
import type { FaultKind } from './checks/logs.js';

export interface Topology {
  coordinators: number;
  workers: number;
  /** Redis restarts (off with an external CADENZA_TEST_REDIS). */
  redisFaults: boolean;
}

export interface PlannedFault {
  /** ms after the run's start. */
  at: number;
  kind: Exclude<FaultKind, 'clock'>;
  target: string;
  /** How long the fault lasts (a kill: how long the process stays down). */
  durationMs: number;
  /** latency: the delay. */
  ms?: number;
}

/** The run's fixed settings, which the checker's allowances are computed from. */
export const SETTINGS = {
  leaseMs: 8000,
  /** The worker's default heartbeat: a third of the lease. */
  heartbeatMs: Math.floor(8000 / 3),
  leaderTtlMs: 3000,
  /** Largest |clock offset| of a coordinator. */
  maxSkewMs: 2000,
  /** Largest added latency (well below what a lease or leader lease tolerates). */
  maxLatencyMs: 600,
  misfireGraceMs: 5000,
  concurrency: 4,
  tenantLimits: { a: { maxActive: 2 }, b: { maxActive: 3, rate: 20, burst: 10 }, c: { maxActive: 4 } },
  resources: { gpu: 2 },
} as const;

export const names = (prefix: string, n: number) => Array.from({ length: n }, (_, k) => `${prefix}${k + 1}`);

export function planFaults(seed: number, seconds: number, topology: Topology): PlannedFault[] {
  const random = seededRandom(seed);
  const between = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const coordinators = names('c', topology.coordinators);
  const workers = names('w', topology.workers);
  const kinds: PlannedFault['kind'][] = ['kill', 'kill', 'stop', 'stop', 'partition', 'partition', 'latency'];
  if (topology.redisFaults) kinds.push('redis-kill', 'redis-shutdown');
  const busyUntil = new Map<string, number>();
  let redisUntil = 0;
  const faults: PlannedFault[] = [];
  // No fault in the first 3 s (the workload gets going) or the last 2 s.
  for (let at = between(3000, 5000); at < seconds * 1000 - 2000; at += between(1000, 4000)) {
    const kind = pick(kinds);
    if (at < redisUntil) continue;
    if (kind === 'redis-kill' || kind === 'redis-shutdown') {
      // Redis alone: nothing else is under a fault while it restarts.
      if ([...busyUntil.values()].some((until) => until > at)) continue;
      const durationMs = between(500, 4000);
      faults.push({ at, kind, target: 'redis', durationMs });
      redisUntil = at + durationMs + 3000;
      continue;
    }
    const target = pick(random() < 0.6 ? workers : coordinators);
    if ((busyUntil.get(target) ?? 0) > at) continue;
    const durationMs =
      kind === 'kill' ? between(300, 3000) : kind === 'latency' ? between(3000, 10_000) : between(1000, 9000);
    const fault: PlannedFault = { at, kind, target, durationMs };
    if (kind === 'latency') fault.ms = between(50, SETTINGS.maxLatencyMs);
    faults.push(fault);
    // A killed process needs a few seconds to start again.
    busyUntil.set(target, at + durationMs + (kind === 'kill' ? 4000 : 500));
  }
  return faults;
}

/** The clock offset of each coordinator start, in order: within ±maxSkewMs. */
export function clockOffsets(seed: number): () => number {
  const random = seededRandom(seed ^ 0x5eed);
  return () => Math.round((random() * 2 - 1) * SETTINGS.maxSkewMs);
}

export interface PlannedJob {
  name: 'work';
  tenant: string;
  payload: { ms: number; failFirst?: number };
  delayMs?: number;
  maxAttempts?: number;
  backoff?: { type: 'fixed'; delayMs: number };
  resources?: Record<string, number>;
  /** Index of an earlier job of the same batch it depends on. */
  after?: number;
}

/** The workload: one batch per step (every 250 ms), seeded. */
export function workload(seed: number): () => PlannedJob[] {
  const random = seededRandom(seed ^ 0xbeef);
  const between = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
  const tenant = () => (['a', 'b', 'c'] as const)[Math.floor(random() * 3)] ?? 'a';
  const one = (t = tenant()): PlannedJob => {
    const job: PlannedJob = { name: 'work', tenant: t, payload: { ms: between(20, 400) } };
    const r = random();
    if (r < 0.2) {
      job.payload.failFirst = between(1, 2);
      job.maxAttempts = 3;
      job.backoff = { type: 'fixed', delayMs: 200 };
    } else if (r < 0.23) {
      // Doomed: fails every attempt it gets.
      job.payload.failFirst = 99;
      job.maxAttempts = 2;
      job.backoff = { type: 'fixed', delayMs: 200 };
    } else {
      job.maxAttempts = 3;
    }
    if (random() < 0.25) job.delayMs = between(100, 4000);
    if (random() < 0.2) job.resources = { gpu: 1 };
    return job;
  };
  return () => {
    if (random() < 0.1) {
      // A chain of three of one tenant, each waiting for the one before.
      const t = tenant();
      return [one(t), { ...one(t), after: 0 }, { ...one(t), after: 1 }];
    }
    return [one(), one()];
  };
}
