import { invalidArgument } from '../../errors.js';
import { JOB_STATUSES, type Job, type JobStatus } from '../../model/job.js';
import type { JobInclude, JobQuery, ListedJob } from '../store.js';
import { checkCount } from './arguments.js';
import { decodeCursor, encodeCursor } from './cursor.js';

/**
 * For store implementations: `listJobs` arguments checked alike by every store, and the
 * pieces of a page every store builds the same way (the cursor, the listed job).
 */

/** A place in the list's order: newest first by `createdAt`, then by id. */
export interface ListPosition {
  createdAt: number;
  id: string;
}

export interface CheckedJobQuery {
  tenant: string | undefined;
  status: JobStatus | undefined;
  name: string | undefined;
  tag: string | undefined;
  limit: number;
  /** Where the previous page stopped: this page starts strictly after it. */
  after: ListPosition | undefined;
  include: Required<JobInclude>;
}

/** The fields `include` may name. */
export const JOB_INCLUDE_FIELDS = ['payload', 'result'] as const;

/** Checks a JobQuery; a bad field is refused with `invalid_argument` naming it. */
export function checkJobQuery(query: JobQuery): CheckedJobQuery {
  if (typeof query !== 'object' || query === null) throw invalidArgument('query', query, 'an object');
  const status = query.status;
  if (status !== undefined && !JOB_STATUSES.includes(status)) {
    throw invalidArgument('status', status, `one of ${JOB_STATUSES.join(', ')}`);
  }
  return {
    tenant: optionalText('tenant', query.tenant),
    status,
    name: optionalText('name', query.name),
    tag: optionalText('tag', query.tag),
    limit: checkCount('limit', query.limit, 1),
    after: query.cursor === undefined ? undefined : positionOf(query.cursor),
    include: checkInclude(query.include),
  };
}

function optionalText(field: string, value: unknown): string | undefined {
  if (value !== undefined && typeof value !== 'string') throw invalidArgument(field, value, 'a string');
  return value;
}

function checkInclude(include: unknown): Required<JobInclude> {
  if (include === undefined) return { payload: false, result: false };
  const expected = `an object of ${JOB_INCLUDE_FIELDS.join(' and ')}, each true or false`;
  if (typeof include !== 'object' || include === null || Array.isArray(include)) {
    throw invalidArgument('include', include, expected);
  }
  for (const [key, value] of Object.entries(include)) {
    if (!(JOB_INCLUDE_FIELDS as readonly string[]).includes(key)) {
      throw invalidArgument('include', include, expected);
    }
    if (value !== undefined && typeof value !== 'boolean')
      throw invalidArgument(`include.${key}`, value, 'true or false');
  }
  const given = include as JobInclude;
  return { payload: given.payload === true, result: given.result === true };
}

function positionOf(cursor: string): ListPosition {
  const [createdAt, id] = decodeCursor(cursor, 'ns');
  return { createdAt: Number(createdAt), id: String(id) };
}

/** The cursor of a page that stopped at `position` (the last job returned, or the last read). */
export function listCursor(position: ListPosition): string {
  return encodeCursor([position.createdAt, position.id]);
}

/** Orders positions newest first: negative when `a` comes before `b` in the list. */
export function newestFirst(a: ListPosition, b: ListPosition): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** A job as listed: without `payload` and `result` (the keys absent) unless included. */
export function listedJob(job: Job, include: Required<JobInclude>): ListedJob {
  const { payload, result, ...rest } = job;
  const listed: ListedJob = rest;
  if (include.payload) listed.payload = payload;
  if (include.result) listed.result = result;
  return listed;
}
