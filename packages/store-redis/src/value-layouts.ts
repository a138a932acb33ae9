/**
 * How values sit inside the keys of keys.ts: NUL-joined fields, '' for unset. JSON never
 * holds a raw NUL, and splitting on it is cheaper in Lua than cjson. These lists are the
 * one description of each layout: the scripts name the same fields, in the same order, as
 * constants (E_* in lua/includes/jobs.lua, R_* in lua/includes/record.lua, S_* in
 * lua/includes/schedule.lua: the name in capitals), README.md lists them, and
 * src/layout.test.ts holds the three together.
 */

/**
 * What a stream entry and a record share, in the same order at the end of an entry and as
 * a record's fields 6..12: a claim copies them across as one substring (claim.lua).
 */
const JOB_TAIL = ['finished', 'runAt', 'name', 'payload', 'options', 'result', 'error'] as const;

/**
 * A waiting job's stream entry (`s:<p>`): one field, `j`, of these twelve. The tenant and
 * priority are in the key. Progress (reset by a claim) sits before the tail.
 */
export const ENTRY_FIELD = 'j';
export const ENTRY_FIELDS = ['id', 'created', 'attempt', 'started', 'progress', ...JOB_TAIL] as const;

/** A job's record in `j` (every job not waiting in a stream; parked jobs included); the last three are its lease. */
export const RECORD_FIELDS = [
  'status',
  'priority',
  'created',
  'attempt',
  'started',
  ...JOB_TAIL,
  'progress',
  'worker',
  'token',
  'expires',
] as const;

/**
 * A schedule's row in `h`: what scripts change in place first, the definition (JSON, which
 * no script decodes) last, then `lastJob`, the local id of the latest fire's job, on rows
 * written since cadenza kept it (an older row has seven fields).
 */
export const SCHEDULE_ROW_FIELDS = ['next', 'paused', 'runs', 'last', 'created', 'updated', 'body', 'lastJob'] as const;

/** Each field's place (0-based) in a split value, by name. */
export function placesOf<const F extends readonly string[]>(fields: F): { readonly [K in F[number]]: number } {
  return Object.fromEntries(fields.map((field, k) => [field, k])) as { [K in F[number]]: number };
}
