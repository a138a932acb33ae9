import { type Job, jobLogFields, type Logger, type Settlement } from '@cadenza/core';

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
 * fields (`jobLogFields`: jobId, name, tenant, attempt), and is built only when its level is
 * on: a worker running tens of thousands of jobs a second spends nothing on a line that
 * `--log-level` would throw away.
 */
export function logOutcome(log: Logger, job: Job, settlement: Settlement, durationMs: number): void {
  switch (settlement.outcome) {
    case 'succeeded':
      if (log.isLevelEnabled('info')) log.info({ ...jobLogFields(job), durationMs }, 'job succeeded');
      return;
    case 'failed': {
      const { code, message } = settlement.error;
      const { retryAt } = settlement;
      if (retryAt !== undefined) {
        if (!log.isLevelEnabled('warn')) return;
        const fields = { ...jobLogFields(job), maxAttempts: job.maxAttempts, durationMs, error: { code, message } };
        log.warn({ ...fields, retryAt: new Date(retryAt).toISOString() }, 'job failed, will retry');
      } else if (log.isLevelEnabled('error')) {
        const fields = { ...jobLogFields(job), maxAttempts: job.maxAttempts, durationMs, error: { code, message } };
        log.error(fields, 'job failed');
      }
      return;
    }
    case 'released':
      // The attempt is given back unspent: the job runs again, here after a restart or elsewhere.
      if (log.isLevelEnabled('info')) log.info(jobLogFields(job), 'job released: the worker is stopping');
      return;
  }
}
