import {
  CadenzaError,
  DEFAULT_TENANT,
  describeValue,
  invalidArgument,
  JOB_STATUSES,
  type JobQuery,
  type JobStatus,
  NAME_PATTERN,
  parseJobInclude,
  TENANT_PATTERN,
} from '@cadenza/core';

/**
 * Query parameters, checked like bodies are: an unknown or repeated parameter, or a value
 * out of its range, is refused with `invalid_argument` naming the parameter.
 */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

const EXPECTED_TENANT = 'a tenant: 1 to 64 characters of a-z, 0-9, "_" and "-", starting with a letter or digit';
const EXPECTED_NAME =
  'a name: 1 to 128 characters of A-Z, a-z, 0-9, ".", "_", ":" and "-", starting with a letter or digit';

type Query = Record<string, unknown>;

/** Refuses parameters outside `allowed` and repeated ones; returns the strings. */
export function checkQuery(raw: unknown, allowed: readonly string[]): Record<string, string | undefined> {
  const query: Query = typeof raw === 'object' && raw !== null ? (raw as Query) : {};
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(query)) {
    if (!allowed.includes(key)) {
      const expected = allowed.length === 0 ? 'no query parameters here' : `one of: ${allowed.join(', ')}`;
      throw new CadenzaError(
        'invalid_argument',
        `${key}: unknown query parameter (got ${describeValue(value)}), expected ${expected}`,
        { field: key },
      );
    }
    if (typeof value !== 'string') throw invalidArgument(key, value, 'one value');
    out[key] = value;
  }
  return out;
}

export function tenantParam(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!TENANT_PATTERN.test(value)) throw invalidArgument('tenant', value, EXPECTED_TENANT);
  return value;
}

export function nameParam(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!NAME_PATTERN.test(value)) throw invalidArgument(field, value, EXPECTED_NAME);
  return value;
}

export function limitParam(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const limit = /^[0-9]{1,7}$/.test(value) ? Number(value) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) throw invalidArgument('limit', value, `an integer from 1 to ${MAX_LIMIT}`);
  return limit;
}

export function cursorParam(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === '' || value.length > 1024) {
    throw invalidArgument('cursor', value, 'a nextCursor value returned by the previous page');
  }
  return value;
}

export function statusParam(value: string | undefined): JobStatus | undefined {
  if (value === undefined) return undefined;
  const status = JOB_STATUSES.find((s) => s === value);
  if (status === undefined) throw invalidArgument('status', value, `one of ${JOB_STATUSES.join(', ')}`);
  return status;
}

/** `GET /v1/jobs?tenant=&status=&name=&tag=&limit=&cursor=&include=` */
export function jobQuery(raw: unknown): JobQuery {
  const q = checkQuery(raw, ['tenant', 'status', 'name', 'tag', 'limit', 'cursor', 'include']);
  const query: JobQuery = { limit: limitParam(q.limit) };
  const tenant = tenantParam(q.tenant);
  const status = statusParam(q.status);
  const name = nameParam('name', q.name);
  const tag = nameParam('tag', q.tag);
  const cursor = cursorParam(q.cursor);
  if (tenant !== undefined) query.tenant = tenant;
  if (status !== undefined) query.status = status;
  if (name !== undefined) query.name = name;
  if (tag !== undefined) query.tag = tag;
  if (cursor !== undefined) query.cursor = cursor;
  // `include=payload`, `include=result` or `include=payload,result`: listed jobs leave both out otherwise.
  if (q.include !== undefined) query.include = parseJobInclude(q.include);
  return query;
}

/** The `?tenant=` of a schedule route (default `default`), with any other parameters it allows. */
export function scheduleTenant(
  raw: unknown,
  also: readonly string[] = [],
): { tenant: string; query: Record<string, string | undefined> } {
  const query = checkQuery(raw, ['tenant', ...also]);
  return { tenant: tenantParam(query.tenant) ?? DEFAULT_TENANT, query };
}

/** A job or schedule id in a path. */
export function idParam(value: unknown): string {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) throw invalidArgument('id', value, EXPECTED_NAME);
  return value;
}
