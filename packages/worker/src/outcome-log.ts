import type { Job, Logger, Settlement } from '@cadenza/core';

/**
 * The one log line for an attempt whose outcome the store took, so that a worker's log tells
 * every job's fate without its handler logging anything:
 *
 *   info   "job succeeded"                           durationMs
 *   warn   "job failed, will retry"                  durationMs, maxAttempts, error, retryAt (ISO)
 *   error  "job failed"                              durationMs, maxAttempts, error (no attempt left)
 *   info   "job released: the worker is stopping"
 *
 * `error` is the job's error as stored, `{ code, message }`. Every line carries the job's
 * fields of core's `jobLogFields` (jobId, name, tenant, attempt), and is built only when its
 * level is on: a worker running tens of thousands of jobs a second spends nothing on a line
 * that `--log-level` would throw away.
 */
export function logOutcome(log: Logger, job: Job, settlement: Settlement, durationMs: number): void {
  switch (settlement.outcome) {
    case 'succeeded':
      if (log.isLevelEnabled('info')) {
        log.info(
          { jobId: job.id, name: job.name, tenant: job.tenant, attempt: job.attempt, durationMs },
          'job succeeded',
        );
      }
      return;
    case 'failed': {
      const { retryAt } = settlement;
      const level = retryAt === undefined ? 'error' : 'warn';
      if (!log.isLevelEnabled(level)) return;
      const fields = {
        jobId: job.id,
        name: job.name,
        tenant: job.tenant,
        attempt: job.attempt,
        maxAttempts: job.maxAttempts,
        durationMs,
        error: { code: settlement.error.code, message: settlement.error.message },
      };
      if (retryAt === undefined) log.error(fields, 'job failed');
      else log.warn({ ...fields, retryAt: new Date(retryAt).toISOString() }, 'job failed, will retry');
      return;
    }
    case 'released':
      // The attempt is given back unspent: the job runs again, here after a restart or elsewhere.
      if (log.isLevelEnabled('info')) {
        log.info(
          { jobId: job.id, name: job.name, tenant: job.tenant, attempt: job.attempt },
          'job released: the worker is stopping',
        );
      }
      return;
  }
}
