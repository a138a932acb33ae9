import type { Job } from '../model/job.js';

/** The fields every log line about a job carries, so that one grep or query finds all of a job's lines. */
export interface JobLogFields {
  jobId: string;
  name: string;
  tenant: string;
  attempt: number;
}

export function jobLogFields(job: Pick<Job, 'id' | 'name' | 'tenant' | 'attempt'>): JobLogFields {
  return { jobId: job.id, name: job.name, tenant: job.tenant, attempt: job.attempt };
}
