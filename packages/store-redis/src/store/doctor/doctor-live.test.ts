import type { DoctorFinding, NewJob } from '@cadenza/core';
import { newJob } from '@cadenza/core/testing';
import { describe, expect, it } from 'vitest';
import { redisPerFile } from '../../testing/redis-per-file.test-helpers.js';
import { createRedisStore, type RedisStore } from '../redis-store.js';

// The doctor reads a store in use: while two clients enqueue, claim, settle, retry and
// release dependents as fast as they can, every doctor run must find nothing (a job caught
// moving between two chunks is confirmed, not reported), and the work goes on unharmed.
const redis = redisPerFile();
const T0 = Date.parse('2026-03-01T12:00:00Z');
const TENANTS = ['a', 'b', 'c'];

function doctor(store: RedisStore, now: number) {
  if (store.doctor === undefined) throw new Error('the Redis store has a doctor');
  return store.doctor({ repair: false, now });
}

describe('doctor on a store in use', () => {
  it('finds nothing while jobs move, across tenants, gates, retries and dependencies', async () => {
    const { store: busy, prefix } = redis.freshStore({ resources: { gpu: 3 }, jobConcurrency: { render: 2 } });
    // The doctor as `cadenza doctor` runs it: its own connection, the deployment's prefix.
    const doctorStore = createRedisStore({ url: redis.harness.url, prefix });
    let now = T0;
    let stop = false;
    let moved = 0;
    const fence = { nodeId: 'c1', epoch: (await busy.acquireLeadership('c1', 3_600_000, now))?.epoch ?? 0 };
    const oneRound = async (round: number) => {
      now += 10;
      const jobs: NewJob[] = [];
      for (const tenant of TENANTS) {
        const parent = newJob({ tenant, priority: round % 10, maxAttempts: 2 }, now);
        jobs.push(parent, newJob({ tenant, dependsOn: [parent.id] }, now));
        jobs.push(newJob({ tenant, name: 'render', resources: { gpu: 1 } }, now));
        jobs.push(newJob({ tenant, runAt: now + 30 }, now));
      }
      await busy.enqueue(jobs, now);
      const claimed = await busy.claim({ workerId: `w${round % 3}`, limit: 8, leaseMs: 50, now });
      await busy.settle(
        claimed.map((job, i) =>
          i % 4 === 0
            ? {
                jobId: job.id,
                token: job.lease.token,
                outcome: 'failed',
                error: { code: 'x', message: 'x' },
                retryAt: now + 20,
              }
            : { jobId: job.id, token: job.lease.token, outcome: 'succeeded', result: i },
        ),
        now,
      );
      moved += claimed.length;
      await busy.promoteDelayed(fence, now, 100);
      await busy.releaseDependents(fence, now, 100);
      await busy.recoverExpiredLeases(fence, now, 100);
      await busy.applyRetention(fence, { maxAgeMs: 200, maxCount: 1000 }, now);
    };
    await oneRound(0);
    const work = (async () => {
      for (let round = 1; !stop; round++) await oneRound(round);
    })();
    const findings: DoctorFinding[] = [];
    try {
      for (let run = 0; run < 6; run++) {
        const report = await doctor(doctorStore, now);
        findings.push(...report.findings);
        expect(report.checked.tenants).toBe(TENANTS.length);
      }
      stop = true;
      await work;
      expect(findings).toEqual([]);
      expect(moved).toBeGreaterThan(0);
      // Quiet again, the store is consistent, and the doctor says so.
      expect((await doctor(doctorStore, now)).findings).toEqual([]);
    } finally {
      stop = true;
      await work;
      await doctorStore.close();
    }
  });
});
