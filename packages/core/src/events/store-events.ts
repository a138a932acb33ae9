import { tenantOfJobId } from '../model/ids.js';
import type { ClaimedJob, Job, NewJob } from '../model/job.js';
import type { FireResult, ScheduleFire, Settlement, Store } from '../store/store.js';
import type { NewEvent } from './event.js';
import type { EventLog } from './event-log.js';

/** Jobs this process claimed and has not settled: settlements name only the id. */
const MAX_REMEMBERED = 100_000;

/**
 * A store that tells `log` what each of its calls did (see event.ts), after the call
 * succeeded: the events follow from the call's arguments and answer, so every store gets
 * them the same way and no store knows about events. What a call did not do (a settlement
 * of a lease already lost, a fire already recorded) tells nothing.
 *
 * Jobs released as dependents or promoted from delayed are not told (those calls answer
 * counts, not jobs).
 */
export function withEvents(store: Store, log: EventLog): Store {
  const claimed = new Map<string, { name: string; attempt: number }>();
  let epochSeen: number | undefined;
  const jobEvent = (type: NewEvent['type'], at: number, job: Pick<Job, 'id' | 'tenant' | 'name'>): NewEvent => ({
    type,
    at,
    tenant: job.tenant,
    jobId: job.id,
    name: job.name,
  });
  const known = (id: string, at: number, type: NewEvent['type']): NewEvent => {
    const job = claimed.get(id);
    return {
      type,
      at,
      jobId: id,
      ...optionalTenant(id),
      ...(job === undefined ? {} : { name: job.name, attempt: job.attempt }),
    };
  };

  const wrapped: Partial<Store> = {
    async enqueue(jobs: readonly NewJob[], now: number) {
      const results = await store.enqueue(jobs, now);
      log.append(
        results.flatMap((result, i) => {
          const job = jobs[i];
          if (!result.created || job === undefined) return [];
          return [{ ...jobEvent('enqueued', now, { ...job, id: result.id }), status: result.status }];
        }),
      );
      return results;
    },
    async claim(request) {
      const jobs = await store.claim(request);
      if (claimed.size + jobs.length > MAX_REMEMBERED) claimed.clear();
      for (const job of jobs) claimed.set(job.id, { name: job.name, attempt: job.attempt });
      log.append(
        jobs.map((job: ClaimedJob) => ({
          ...jobEvent('started', request.now, job),
          attempt: job.attempt,
          nodeId: request.workerId,
        })),
      );
      return jobs;
    },
    async heartbeat(entries, leaseMs, now) {
      const states = await store.heartbeat(entries, leaseMs, now);
      log.append(
        entries.flatMap((entry, i) =>
          states[i] === 'ok' && entry.progress !== undefined
            ? [{ ...known(entry.jobId, now, 'progress'), progress: entry.progress }]
            : [],
        ),
      );
      return states;
    },
    async settle(settlements, now) {
      const states = await store.settle(settlements, now);
      log.append(
        settlements.flatMap((settlement, i) => {
          const event =
            states[i] === 'ok' ? settlementEvent(known(settlement.jobId, now, 'succeeded'), settlement) : [];
          claimed.delete(settlement.jobId);
          return event;
        }),
      );
      return states;
    },
    async cancel(id, now) {
      const job = await store.cancel(id, now);
      log.append([{ ...jobEvent('canceled', now, job), attempt: job.attempt }]);
      return job;
    },
    async retry(id, now) {
      const job = await store.retry(id, now);
      log.append([{ ...jobEvent('retried', now, job), reason: 'manual' }]);
      return job;
    },
    async recoverExpiredLeases(fence, now, limit) {
      const result = await store.recoverExpiredLeases(fence, now, limit);
      const error = { code: 'lease_expired', message: 'the lease expired before the job was settled' };
      log.append([
        ...result.requeued.map((id) => ({ ...known(id, now, 'retried'), reason: 'lease_expired' as const })),
        ...result.failed.map((id) => ({ ...known(id, now, 'failed'), error })),
      ]);
      return result;
    },
    async recordFires(fence, fires, now) {
      const results = await store.recordFires(fence, fires, now);
      log.append(fireEvents(fires, results, now));
      return results;
    },
    async triggerSchedule(tenant, id, now) {
      const job = await store.triggerSchedule(tenant, id, now);
      log.append([
        {
          ...jobEvent('fired', now, job),
          scheduleId: id,
          ...(job.scheduledFor === undefined ? {} : { scheduledFor: job.scheduledFor }),
        },
      ]);
      return job;
    },
    async acquireLeadership(nodeId, ttlMs, now) {
      const leadership = await store.acquireLeadership(nodeId, ttlMs, now);
      if (leadership !== undefined && leadership.epoch !== epochSeen) {
        epochSeen = leadership.epoch;
        log.append([{ type: 'leader_changed', at: now, nodeId: leadership.nodeId, epoch: leadership.epoch }]);
      }
      return leadership;
    },
  };
  return new Proxy(store, {
    get(target, key, receiver) {
      const own = (wrapped as Record<PropertyKey, unknown>)[key];
      if (own !== undefined) return own;
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function optionalTenant(id: string): { tenant?: string } {
  const tenant = tenantOfJobId(id);
  return tenant === undefined ? {} : { tenant };
}

function settlementEvent(base: NewEvent, settlement: Settlement): NewEvent[] {
  switch (settlement.outcome) {
    case 'succeeded':
      return [{ ...base, type: 'succeeded' }];
    case 'released':
      return [{ ...base, type: 'released' }];
    case 'failed':
      return settlement.retryAt === undefined
        ? [{ ...base, type: 'failed', error: settlement.error }]
        : [{ ...base, type: 'retried', reason: 'backoff', retryAt: settlement.retryAt, error: settlement.error }];
  }
}

function fireEvents(fires: readonly ScheduleFire[], results: readonly FireResult[], now: number): NewEvent[] {
  return fires.flatMap((fire, i) => {
    const result = results[i];
    if (result?.applied !== true) return [];
    return result.jobIds.map((jobId, j) => {
      const job = fire.jobs[j];
      return {
        type: 'fired' as const,
        at: now,
        tenant: fire.tenant,
        jobId,
        scheduleId: fire.scheduleId,
        ...(job === undefined ? {} : { name: job.name }),
        ...(job?.scheduledFor === undefined ? {} : { scheduledFor: job.scheduledFor }),
      };
    });
  });
}
