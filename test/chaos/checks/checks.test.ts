// The checkers on hand-made logs: each passes a clean log and catches a violation, so a
// chaos run's green means something.
import { describe, expect, it } from 'vitest';
import { spansOf } from './attempts.js';
import { notFinal } from './final-states.js';
import { leaseOverlaps } from './lease-overlap.js';
import { checkLimits } from './limits.js';
import type { AttemptEvent, Fault } from './logs.js';
import { leaderOutages } from './outages.js';
import { checkFires } from './schedule-fires.js';

const T = 1_700_000_000_000;

function attempt(
  id: string,
  n: number,
  worker: string,
  from: number,
  to: number | undefined,
  extra: Partial<AttemptEvent> = {},
): AttemptEvent[] {
  const base = { id, attempt: n, worker, pid: Number(worker.slice(1)) * 100, tenant: 'a', name: 'work', ...extra };
  const start: AttemptEvent = { ...base, e: 'start', t: T + from };
  return to === undefined ? [start] : [start, { ...base, e: 'end', t: T + to, outcome: 'ok' }];
}

describe('final states', () => {
  it('passes final jobs and names a missing or unfinished one', () => {
    expect(
      notFinal(
        ['j1', 'j2'],
        [
          { id: 'j1', status: 'succeeded' },
          { id: 'j2', status: 'failed' },
        ],
      ),
    ).toEqual([]);
    expect(
      notFinal(['j1', 'j2', 'j3'], [{ id: 'j1', status: 'active' }, undefined, { id: 'j3', status: 'canceled' }]),
    ).toEqual(['j1: still active', 'j2: acknowledged by enqueue, but not in the store']);
  });
});

describe('schedule fires', () => {
  const rule = { periodMs: 1000, graceMs: 5000, skewMs: 1000, outages: [] };
  const every = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => T + (from + k) * 1000);

  it('passes every second once', () => {
    expect(checkFires(every(0, 30), rule)).toEqual({ doubled: [], unexplainedGaps: [], explainedGaps: 0 });
  });

  it('catches a fire time twice', () => {
    expect(checkFires([...every(0, 5), T + 3000], rule).doubled).toHaveLength(1);
  });

  it('catches a gap no outage explains, and allows one the leader outage covers', () => {
    const fires = [...every(0, 5), ...every(20, 30)];
    expect(checkFires(fires, rule).unexplainedGaps).toHaveLength(1);
    // The leader frozen from 5.5 s to 22 s: no one ticked in [6+1, 20+5−1] s.
    const outages = [{ from: T + 5500, to: T + 25_000 }];
    expect(checkFires(fires, { ...rule, outages })).toEqual({ doubled: [], unexplainedGaps: [], explainedGaps: 1 });
    // An outage too short for the window is no excuse.
    expect(checkFires(fires, { ...rule, outages: [{ from: T + 5500, to: T + 15_000 }] }).unexplainedGaps).toHaveLength(
      1,
    );
  });

  it('catches fires missing at the start and before the pause', () => {
    const fires = every(10, 20);
    expect(checkFires(fires, { ...rule, firstDue: T + 10_000, pausedAt: T + 21_500 }).unexplainedGaps).toEqual([]);
    expect(checkFires(fires, { ...rule, firstDue: T + 1000 }).unexplainedGaps).toHaveLength(1);
    expect(checkFires(fires, { ...rule, pausedAt: T + 40_000 }).unexplainedGaps).toEqual([
      expect.stringContaining('no fire after'),
    ]);
    const outages = [{ from: T + 20_500, to: T + 40_000 }];
    expect(checkFires(fires, { ...rule, pausedAt: T + 40_000, outages }).unexplainedGaps).toEqual([]);
  });

  it('counts only faults of the leader (or Redis) as outages', () => {
    const faults: Fault[] = [
      { kind: 'stop', target: 'c2', start: T + 1000, end: T + 9000 },
      { kind: 'stop', target: 'c1', start: T + 10_000, end: T + 20_000 },
      { kind: 'redis-kill', target: 'redis', start: T + 30_000, end: T + 31_000 },
    ];
    const samples = [{ t: T, leader: 'c1' }];
    expect(leaderOutages(faults, samples, 3000)).toEqual([
      { from: T + 10_000, to: T + 23_000 },
      { from: T + 30_000, to: T + 34_000 },
    ]);
  });
});

describe('attempts under a live lease', () => {
  const LAPSE = 2000;

  it('passes a retry after the first attempt ended, and one after its worker was killed', () => {
    const events = [...attempt('j1', 1, 'w1', 0, 100), ...attempt('j1', 2, 'w2', 300, 400)];
    const killed = [...attempt('j2', 1, 'w1', 0, undefined), ...attempt('j2', 2, 'w2', 9000, 9100)];
    const faults: Fault[] = [{ kind: 'kill', target: 'w1', pid: 100, start: T + 50, end: T + 1000 }];
    expect(leaseOverlaps(spansOf([...events, ...killed], faults, LAPSE))).toEqual([]);
  });

  it('catches a second attempt while the first ran on unhindered', () => {
    const events = [...attempt('j1', 1, 'w1', 0, 5000), ...attempt('j1', 2, 'w2', 1000, 1200)];
    expect(leaseOverlaps(spansOf(events, [], LAPSE))).toHaveLength(1);
  });

  it('allows the overlap when the first worker was frozen longer than a lease lasts, not shorter', () => {
    const events = [...attempt('j1', 1, 'w1', 0, 9000), ...attempt('j1', 2, 'w2', 6000, 6200)];
    const frozen: Fault[] = [{ kind: 'stop', target: 'w1', pid: 100, start: T + 500, end: T + 8000 }];
    expect(leaseOverlaps(spansOf(events, frozen, LAPSE))).toEqual([]);
    const brief: Fault[] = [{ kind: 'stop', target: 'w1', pid: 100, start: T + 500, end: T + 1500 }];
    expect(leaseOverlaps(spansOf(events, brief, LAPSE))).toHaveLength(1);
  });

  it('catches one attempt number started twice', () => {
    const events = [...attempt('j1', 1, 'w1', 0, 100), ...attempt('j1', 1, 'w2', 200, 300)];
    expect(leaseOverlaps(spansOf(events, [], LAPSE))).toEqual([expect.stringContaining('attempt 1 started twice')]);
  });
});

describe('tenant and resource limits', () => {
  const limits = { tenantMaxActive: { a: 2 }, resources: { gpu: 1 } };

  it('passes attempts within the limits, a slot handed straight on included', () => {
    const events = [
      ...attempt('j1', 1, 'w1', 0, 100),
      ...attempt('j2', 1, 'w2', 50, 200),
      ...attempt('j3', 1, 'w1', 100, 300),
      ...attempt('g1', 1, 'w1', 0, 100, { tenant: 'b', resources: { gpu: 1 } }),
      ...attempt('g2', 1, 'w2', 100, 200, { tenant: 'b', resources: { gpu: 1 } }),
    ];
    const result = checkLimits(spansOf(events, [], 2000), limits);
    expect(result.over).toEqual([]);
    expect(result.most).toEqual({ 'tenant a': 2, 'resource gpu': 1 });
  });

  it('catches a tenant over maxActive and a resource over capacity', () => {
    const events = [
      ...attempt('j1', 1, 'w1', 0, 100),
      ...attempt('j2', 1, 'w2', 10, 100),
      ...attempt('j3', 1, 'w3', 20, 100),
      ...attempt('g1', 1, 'w1', 0, 100, { tenant: 'b', resources: { gpu: 1 } }),
      ...attempt('g2', 1, 'w2', 99, 200, { tenant: 'b', resources: { gpu: 1 } }),
    ];
    const { over } = checkLimits(spansOf(events, [], 2000), limits);
    expect(over).toHaveLength(2);
    expect(over[0]).toMatch(/^tenant a: 3 held/);
    expect(over[1]).toMatch(/^resource gpu: 2 held/);
  });

  it('does not count an attempt past the instant its worker was cut off for longer than a lease', () => {
    const events = [
      ...attempt('g1', 1, 'w1', 0, 9000, { resources: { gpu: 1 } }),
      ...attempt('g2', 1, 'w2', 5000, 5100, { resources: { gpu: 1 } }),
    ];
    const cut: Fault[] = [{ kind: 'partition', target: 'w1', start: T + 1000, end: T + 8000 }];
    expect(checkLimits(spansOf(events, cut, 2000), limits).over).toEqual([]);
  });
});
