import type { JobTemplate, NormalizedTrigger, Schedule } from '@cadenza/core';
import { globalId, localId } from '../../keys.js';
import { SCHEDULE_ROW_FIELDS } from '../../value-layouts.js';

/**
 * A schedule as kept in its tenant's `h` hash: seven fields joined by NUL ('' for unset),
 * in the order of SCHEDULE_ROW_FIELDS (value-layouts.ts), which lua/includes/schedule.lua
 * reads too. The fields scripts change (next fire,
 * paused, runs, last fire) are plain numbers up front; the definition is one JSON body
 * that no script decodes. Id and tenant are the hash field and the key.
 *
 * An eighth field after the body, the local id of the job of the latest fire
 * (`lastJobId`), is there once a fire made one; a row without it (never fired since, or
 * written before cadenza kept it) has no last job. JSON never holds a raw NUL, so the body
 * ends at the seventh separator either way.
 */
/** The fields every row has: all but `lastJob`. */
const FIELDS = SCHEDULE_ROW_FIELDS.length - 1;

interface Body {
  trigger: NormalizedTrigger;
  job: JobTemplate;
  misfire: Schedule['misfire'];
  maxCatchUp: number;
  misfireGraceMs: number;
}

export function encodeSchedule(s: Schedule): string {
  const body: Body = {
    trigger: s.trigger,
    job: s.job,
    misfire: s.misfire,
    maxCatchUp: s.maxCatchUp,
    misfireGraceMs: s.misfireGraceMs,
  };
  return [
    instant(s.nextFireAt),
    s.paused ? '1' : '0',
    String(s.runCount),
    instant(s.lastFireAt),
    String(s.createdAt),
    String(s.updatedAt),
    JSON.stringify(body),
    ...(s.lastJobId === undefined ? [] : [localId(s.tenant, s.lastJobId)]),
  ].join('\0');
}

export function decodeSchedule(tenant: string, id: string, raw: string): Schedule {
  const f = raw.split('\0');
  if (f.length !== FIELDS && f.length !== FIELDS + 1) {
    throw new Error(`schedule ${tenant}/${id}: row has ${f.length} fields, expected ${FIELDS} or ${FIELDS + 1}`);
  }
  const [next = '', paused, runs, last = '', created, updated, json = '{}', lastJob] = f;
  const body = JSON.parse(json) as Body;
  return {
    id,
    tenant,
    trigger: triggerOf(body.trigger),
    job: jobOf(body.job),
    misfire: body.misfire,
    maxCatchUp: body.maxCatchUp,
    misfireGraceMs: body.misfireGraceMs,
    paused: paused === '1',
    runCount: Number(runs),
    lastFireAt: last === '' ? undefined : Number(last),
    ...(lastJob === undefined || lastJob === '' ? {} : { lastJobId: globalId(tenant, lastJob) }),
    nextFireAt: next === '' ? undefined : Number(next),
    createdAt: Number(created),
    updatedAt: Number(updated),
  };
}

function instant(at: number | undefined): string {
  return at === undefined ? '' : String(at);
}

// JSON drops fields set to undefined: put them back, so a schedule read equals the one written.
function triggerOf(t: NormalizedTrigger): NormalizedTrigger {
  switch (t.kind) {
    case 'every':
      return { kind: 'every', every: t.every, startAt: t.startAt };
    default:
      return t;
  }
}

function jobOf(j: JobTemplate): JobTemplate {
  return {
    name: j.name,
    payload: j.payload,
    priority: j.priority,
    tags: j.tags,
    maxAttempts: j.maxAttempts,
    backoff: j.backoff,
    timeoutMs: j.timeoutMs,
  };
}
