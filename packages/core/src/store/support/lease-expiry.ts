import type { Job, JobError } from '../../model/job.js';
import { lostLeaseError } from './past-attempts.js';

/**
 * For store implementations: what recovery does to an active job whose lease expired. The
 * attempt the lost worker started stays spent (the handler may have run, and
 * at-least-once delivery counts it): with attempts left the job waits again (answer
 * `undefined`); with none it fails with the `lease_expired` error answered here.
 */
export function leaseExpiryError(job: Job): JobError | undefined {
  if (job.attempt < job.maxAttempts) return undefined;
  return lostLeaseError(job);
}
