import { JOB_STATUSES, type Job, type JobError, type JobStatus } from '@cadenza/core';
import { decodeOptions, decodePayload } from '../codec.js';
import { globalId } from '../keys.js';
import { placesOf, RECORD_FIELDS } from '../value-layouts.js';

/**
 * A job's record as the scripts keep it: RECORD_FIELDS (value-layouts.ts) joined by NUL,
 * '' for unset. Scripts answer with records (a waiting job's is built from its stream
 * entry), so this is the one decoder of a job on the way out.
 */
const AT = placesOf(RECORD_FIELDS);

/** Field `name` of a record split on NUL. */
export function recordField(fields: readonly string[], name: keyof typeof AT): string {
  return fields[AT[name]] ?? '';
}

export function decodeRecord(tenant: string, local: string, raw: string): Job {
  const f = raw.split('\0');
  if (f.length !== RECORD_FIELDS.length)
    throw new Error(`job ${globalId(tenant, local)}: record has ${f.length} fields, expected ${RECORD_FIELDS.length}`);
  const field = (name: keyof typeof AT) => recordField(f, name);
  const status = field('status');
  const token = field('token');
  const error = field('error');
  if (!JOB_STATUSES.includes(status as JobStatus)) {
    throw new Error(`job ${globalId(tenant, local)}: record has status ${JSON.stringify(status)}`);
  }
  return {
    id: globalId(tenant, local),
    name: field('name'),
    tenant,
    payload: decodePayload(field('payload')),
    priority: Number(field('priority')),
    ...decodeOptions(field('options')),
    runAt: instant(field('runAt')),
    status: status as JobStatus,
    attempt: Number(field('attempt')),
    createdAt: createdAtOf(field('created')),
    startedAt: instant(field('started')),
    finishedAt: instant(field('finished')),
    result: decodePayload(field('result')),
    error: error === '' ? undefined : (JSON.parse(error) as JobError),
    progress: decodePayload(field('progress')),
    lease: token === '' ? undefined : { workerId: field('worker'), token, expiresAt: Number(field('expires')) },
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

function instant(raw: string): number | undefined {
  return raw === '' ? undefined : Number(raw);
}
