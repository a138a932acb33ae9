import {
  ACTIVITY_MINUTES,
  DEFAULT_TENANT,
  JOB_INCLUDE_FIELDS,
  JOB_STATUSES,
  NAME_PATTERN,
  TENANT_PATTERN,
} from '@cadenza/core';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../query.js';
import type { JsonSchema } from './json-schema.js';

/**
 * The path and query parameters, as query.ts and routes/events.ts check them. The patterns
 * are core's own, so the document and the checks share them.
 */

function query(name: string, schema: JsonSchema, description: string): JsonSchema {
  return { name, in: 'query', required: false, schema, description };
}

const [first, second] = JOB_INCLUDE_FIELDS;
const tenant = { type: 'string', pattern: TENANT_PATTERN.source };
const name = { type: 'string', pattern: NAME_PATTERN.source };

/** Every parameter, by its name in `components.parameters`. */
export const PARAMETERS: Record<string, JsonSchema> = {
  id: {
    name: 'id',
    in: 'path',
    required: true,
    schema: name,
    description: 'A job id (as POST /v1/jobs answered it) or a schedule id.',
  },
  tenant: query('tenant', tenant, 'Only this tenant.'),
  scheduleTenant: query(
    'tenant',
    { ...tenant, default: DEFAULT_TENANT },
    'The tenant of the schedule (ids are unique within a tenant).',
  ),
  status: query('status', { type: 'string', enum: [...JOB_STATUSES] }, 'Only jobs in this state.'),
  name: query('name', name, 'Only jobs of this name.'),
  tag: query('tag', name, 'Only jobs with this tag.'),
  limit: query(
    'limit',
    { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
    'Most items on the page; a page may hold fewer even when more follow.',
  ),
  cursor: query(
    'cursor',
    { type: 'string', minLength: 1, maxLength: 1024 },
    'The nextCursor of the previous page; read on until it is null.',
  ),
  include: query(
    'include',
    // Each field at most once, in either order.
    { type: 'string', enum: [first, second, `${first},${second}`, `${second},${first}`] },
    'Listed jobs leave out payload and result unless named here.',
  ),
  minutes: query(
    'minutes',
    { type: 'integer', minimum: 1, maximum: ACTIVITY_MINUTES, default: ACTIVITY_MINUTES },
    'How many minutes, ending with the current one.',
  ),
  after: query(
    'after',
    { type: 'string', pattern: '^(0|\\d+(-\\d+)?(\\.\\d+)?)$' },
    'Stream the events after this event id (0: from the oldest kept) instead of from now on.',
  ),
  lastEventId: {
    name: 'Last-Event-ID',
    in: 'header',
    required: false,
    schema: { type: 'string' },
    description: 'Sent by a reconnecting EventSource; wins over ?after=.',
  },
};
