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
  /** An event of a job this process may have claimed (its name and attempt are remembered). */
  const known = (id: string, at: number, type: NewEvent['type']): NewEvent => {
    const event: NewEvent = { type, at, jobId: id };
    const tenant = tenantOfJobId(id);
    if (tenant !== undefined) event.tenant = tenant;
    const job = claimed.get(id);
    if (job !== undefined) {
      event.name = job.name;
      event.attempt = job.attempt;
    }
    return event;
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
      // One loop, no spreads: a busy worker claims tens of thousands of jobs a second.
      const events: NewEvent[] = new Array(jobs.length);
      for (let i = 0; i < jobs.length; i++) {
        const job = jobs[i] as ClaimedJob;
        claimed.set(job.id, { name: job.name, attempt: job.attempt });
        events[i] = {
          type: 'started',
          at: request.now,
          tenant: job.tenant,
          jobId: job.id,
          name: job.name,
          attempt: job.attempt,
          nodeId: request.workerId,
        };
      }
      log.append(events);
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
      const events: NewEvent[] = [];
      for (let i = 0; i < settlements.length; i++) {
        const settlement = settlements[i] as Settlement;
        if (states[i] === 'ok') events.push(settlementEvent(known(settlement.jobId, now, 'succeeded'), settlement));
        claimed.delete(settlement.jobId);
      }
      log.append(events);
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

/** The event of a settlement the store took; `base` is the job's event, its type set here. */
function settlementEvent(base: NewEvent, settlement: Settlement): NewEvent {
  switch (settlement.outcome) {
    case 'succeeded':
      base.type = 'succeeded';
      return base;
    case 'released':
      base.type = 'released';
      return base;
    case 'failed':
      if (settlement.retryAt === undefined) {
        base.type = 'failed';
        base.error = settlement.error;
      } else {
        base.type = 'retried';
        base.reason = 'backoff';
        base.retryAt = settlement.retryAt;
        base.error = settlement.error;
      }
      return base;
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
