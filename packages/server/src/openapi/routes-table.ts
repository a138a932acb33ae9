import type { ErrorName } from './error-responses.js';
import { type JsonSchema, ref } from './json-schema.js';

/**
 * Every route the server has, as the document describes it: the routes in routes/*.ts and
 * GET /openapi.json. The test beside this file holds this table against the routes fastify
 * actually has, both ways.
 */

export interface Answer {
  description: string;
  schema: JsonSchema;
  /** Default `application/json`. */
  mediaType?: string;
}

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  /** The path as fastify has it (`/v1/jobs/:id`). */
  url: string;
  operationId: string;
  tag: string;
  summary: string;
  /** Names in `components.parameters`, path parameters first. */
  parameters?: readonly string[];
  body?: { schema: JsonSchema; required: boolean; description: string };
  answers: Record<number, Answer>;
  /** Errors of this route beyond those every /v1 route can answer (added by the document). */
  errors?: readonly ErrorName[];
  /** Served only when the server was given an event log. */
  needsEvents?: true;
}

const json = (description: string, name: string): Answer => ({ description, schema: ref(name) });

export const ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    url: '/healthz',
    operationId: 'getHealth',
    tag: 'health',
    summary: 'Whether the process runs.',
    answers: { 200: json('The process runs.', 'Healthy') },
  },
  {
    method: 'get',
    url: '/readyz',
    operationId: 'getReadiness',
    tag: 'health',
    summary: 'Whether the process should be sent work: its store answers, it is not shutting down, a leader is known.',
    answers: {
      200: json('Ready; a process running a coordinator adds the leader and whether it leads.', 'Ready'),
      503: json('Not ready, and why.', 'NotReady'),
    },
  },
  {
    method: 'get',
    url: '/metrics',
    operationId: 'getMetrics',
    tag: 'health',
    summary:
      "The process's metrics in Prometheus text format. A process given a metrics token (--metrics-token) answers only a scrape that carries it as a bearer token (401 otherwise).",
    answers: { 200: { description: 'Prometheus text.', schema: { type: 'string' }, mediaType: 'text/plain' } },
    errors: ['unauthorized'],
  },
  {
    method: 'get',
    url: '/openapi.json',
    operationId: 'getOpenApi',
    tag: 'health',
    summary: 'This document.',
    answers: { 200: { description: 'The OpenAPI 3.1 document of this server.', schema: { type: 'object' } } },
  },
  {
    method: 'post',
    url: '/v1/jobs',
    operationId: 'enqueueJob',
    tag: 'jobs',
    summary: 'Enqueue a job.',
    body: { schema: ref('JobInput'), required: true, description: "The job's fields, at least its name." },
    answers: {
      201: json('Created.', 'Enqueued'),
      200: json('A job with this idempotencyKey exists already; nothing was created.', 'Enqueued'),
    },
    errors: ['payload_too_large'],
  },
  {
    method: 'post',
    url: '/v1/jobs/batch',
    operationId: 'enqueueJobs',
    tag: 'jobs',
    summary: 'Enqueue several jobs, all or nothing.',
    body: { schema: ref('JobBatchInput'), required: true, description: 'The jobs, each as the body of POST /v1/jobs.' },
    answers: { 201: json('Created; the ids in the order of the jobs.', 'BatchEnqueued') },
    errors: ['payload_too_large'],
  },
  {
    method: 'get',
    url: '/v1/jobs',
    operationId: 'listJobs',
    tag: 'jobs',
    summary: 'List jobs, newest first.',
    parameters: ['tenant', 'status', 'name', 'tag', 'limit', 'cursor', 'include'],
    answers: { 200: json('A page of jobs.', 'JobPage') },
  },
  {
    method: 'get',
    url: '/v1/jobs/:id',
    operationId: 'getJob',
    tag: 'jobs',
    summary: 'Read a job.',
    parameters: ['id'],
    answers: { 200: json('The job.', 'Job') },
    errors: ['not_found'],
  },
  {
    method: 'delete',
    url: '/v1/jobs/:id',
    operationId: 'cancelJob',
    tag: 'jobs',
    summary: 'Cancel a job that is not final.',
    parameters: ['id'],
    answers: { 200: json('The canceled job.', 'Job') },
    errors: ['not_found', 'conflict'],
  },
  {
    method: 'post',
    url: '/v1/jobs/:id/retry',
    operationId: 'retryJob',
    tag: 'jobs',
    summary: 'Run a failed job again.',
    parameters: ['id'],
    body: {
      schema: { type: 'object', maxProperties: 0 },
      required: false,
      description: 'No body, or an empty object.',
    },
    answers: { 200: json('The job, waiting again.', 'Job') },
    errors: ['not_found', 'conflict', 'payload_too_large'],
  },
  {
    method: 'put',
    url: '/v1/schedules/:id',
    operationId: 'putSchedule',
    tag: 'schedules',
    summary: 'Create or replace a schedule.',
    parameters: ['id', 'scheduleTenant'],
    body: { schema: ref('ScheduleInput'), required: true, description: "The schedule's fields." },
    answers: { 201: json('Created.', 'Schedule'), 200: json('Replaced.', 'Schedule') },
    errors: ['payload_too_large', 'resource_exhausted'],
  },
  {
    method: 'post',
    url: '/v1/schedules/preview',
    operationId: 'previewSchedule',
    tag: 'schedules',
    summary:
      'What a trigger would do, without saving anything: its description in English and its next fires. The read scope is enough.',
    body: {
      schema: ref('SchedulePreviewInput'),
      required: true,
      description: 'A trigger, checked as PUT /v1/schedules/:id checks it, and how many fires after which instant.',
    },
    answers: { 200: json('The description and the fires, oldest first.', 'SchedulePreview') },
    errors: ['payload_too_large'],
  },
  {
    method: 'get',
    url: '/v1/schedules',
    operationId: 'listSchedules',
    tag: 'schedules',
    summary: "List a tenant's schedules.",
    parameters: ['scheduleTenant', 'limit', 'cursor'],
    answers: { 200: json('A page of schedules.', 'SchedulePage') },
  },
  {
    method: 'get',
    url: '/v1/schedules/:id',
    operationId: 'getSchedule',
    tag: 'schedules',
    summary: 'Read a schedule.',
    parameters: ['id', 'scheduleTenant'],
    answers: { 200: json('The schedule.', 'Schedule') },
    errors: ['not_found'],
  },
  {
    method: 'delete',
    url: '/v1/schedules/:id',
    operationId: 'deleteSchedule',
    tag: 'schedules',
    summary: 'Delete a schedule.',
    parameters: ['id', 'scheduleTenant'],
    answers: { 200: json('Deleted.', 'ScheduleDeleted') },
    errors: ['not_found'],
  },
  {
    method: 'post',
    url: '/v1/schedules/:id/trigger',
    operationId: 'triggerSchedule',
    tag: 'schedules',
    summary: 'Fire a schedule now, even while paused.',
    parameters: ['id', 'scheduleTenant'],
    answers: { 201: json('The job it created.', 'Job') },
    errors: ['not_found'],
  },
  {
    method: 'post',
    url: '/v1/schedules/:id/pause',
    operationId: 'pauseSchedule',
    tag: 'schedules',
    summary: 'Pause a schedule: it fires no more until resumed.',
    parameters: ['id', 'scheduleTenant'],
    answers: { 200: json('The schedule.', 'Schedule') },
    errors: ['not_found'],
  },
  {
    method: 'post',
    url: '/v1/schedules/:id/resume',
    operationId: 'resumeSchedule',
    tag: 'schedules',
    summary: 'Resume a paused schedule.',
    parameters: ['id', 'scheduleTenant'],
    answers: { 200: json('The schedule.', 'Schedule') },
    errors: ['not_found'],
  },
  {
    method: 'get',
    url: '/v1/events',
    operationId: 'streamEvents',
    tag: 'events',
    summary: 'Every job and schedule event of the cluster, as server-sent events.',
    parameters: ['after', 'tenant', 'lastEventId'],
    answers: {
      200: {
        description:
          'A stream that stays open: each message has id, event (the type) and data (the event as JSON). Pass the last id back to resume.',
        schema: { type: 'string' },
        mediaType: 'text/event-stream',
      },
    },
    errors: ['resource_exhausted'],
    needsEvents: true,
  },
  {
    method: 'get',
    url: '/v1/activity',
    operationId: 'getActivity',
    tag: 'cluster',
    summary:
      "How many jobs succeeded, failed and were retried in each of the last minutes, oldest first, over the token's tenants (or the one asked for).",
    parameters: ['minutes', 'tenant'],
    answers: {
      200: json(
        'One entry a minute, ending with the current one; none, with unsupported, from a store that keeps no activity.',
        'Activity',
      ),
    },
  },
  {
    method: 'get',
    url: '/v1/cluster',
    operationId: 'getCluster',
    tag: 'cluster',
    summary: 'The leader, the live processes and the queue counts.',
    answers: { 200: json('The cluster as this server sees it.', 'Cluster') },
  },
];
