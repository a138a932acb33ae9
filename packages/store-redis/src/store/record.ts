import { JOB_STATUSES, type Job, type JobError, type JobStatus } from '@cadenza/core';
import { decodeOptions, decodePayload } from '../codec.js';
import { globalId } from '../keys.js';

/**
 * A job's record as the scripts keep it (lua/includes/record.lua): sixteen fields joined
 * by NUL, '' for unset. Scripts answer with records (a waiting job's is built from its
 * stream entry), so this is the one decoder of a job on the way out.
 */
const FIELDS = 16;

export function decodeRecord(tenant: string, local: string, raw: string): Job {
  const f = raw.split('\0');
  if (f.length !== FIELDS)
    throw new Error(`job ${globalId(tenant, local)}: record has ${f.length} fields, expected ${FIELDS}`);
  const [status, priority, createdAt, attempt, startedAt, finishedAt, runAt, name, payload, options] = f as string[];
  const [, , , , , , , , , , result, error, progress, worker, token, expires] = f as string[];
  if (!JOB_STATUSES.includes(status as JobStatus)) {
    throw new Error(`job ${globalId(tenant, local)}: record has status ${JSON.stringify(status)}`);
  }
  return {
    id: globalId(tenant, local),
    name: name ?? '',
    tenant,
    payload: decodePayload(payload ?? ''),
    priority: Number(priority),
    ...decodeOptions(options ?? ''),
    runAt: instant(runAt),
    status: status as JobStatus,
    attempt: Number(attempt),
    createdAt: createdAtOf(createdAt ?? ''),
    startedAt: instant(startedAt),
    finishedAt: instant(finishedAt),
    result: decodePayload(result ?? ''),
    error: error === undefined || error === '' ? undefined : (JSON.parse(error) as JobError),
    progress: decodePayload(progress ?? ''),
    lease:
      token === undefined || token === '' ? undefined : { workerId: worker ?? '', token, expiresAt: Number(expires) },
  };
}

/**
 * A record's created field: `<ms>-<seq>` (the job's creation log id, ms being its
 * createdAt), `<createdAt>:<ms>-<seq>` (a createdAt the log id could not carry), or a bare
 * createdAt for a job written before the log (lua/includes/listing.lua).
 */
export function createdAtOf(field: string): number {
  const colon = field.indexOf(':');
  if (colon >= 0) return Number(field.slice(0, colon));
  const dash = field.indexOf('-');
  return Number(dash >= 0 ? field.slice(0, dash) : field);
}

function instant(raw: string | undefined): number | undefined {
  return raw === undefined || raw === '' ? undefined : Number(raw);
}
