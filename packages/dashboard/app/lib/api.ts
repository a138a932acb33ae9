// The dashboard's client of the HTTP API (packages/server/README.md "Routes"): one typed
// function per route it uses. Every call carries the token kept for this tab; an error
// answer `{error:{code,message}}` becomes an ApiError whose message the page shows; a 401
// tells the app to ask for a token (docs: packages/dashboard/README.md "Tokens").

export type JobStatus = 'waiting' | 'delayed' | 'blocked' | 'active' | 'succeeded' | 'failed' | 'canceled';
export const JOB_STATUSES: readonly JobStatus[] = [
  'waiting',
  'delayed',
  'blocked',
  'active',
  'succeeded',
  'failed',
  'canceled',
];
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['succeeded', 'failed', 'canceled']);

export interface JobError {
  code: string;
  message: string;
}

export interface PastAttempt {
  attempt: number;
  startedAt: string | null;
  endedAt: string;
  workerId: string | null;
  error: JobError;
}

/** A job as the API answers it: times are ISO-8601 strings. */
export interface Job {
  id: string;
  name: string;
  tenant: string;
  status: JobStatus;
  priority: number;
  tags: string[];
  attempt: number;
  maxAttempts: number;
  dependsOn: string[];
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  runAt?: string;
  scheduleId?: string;
  scheduledFor?: string;
  idempotencyKey?: string;
  payload?: unknown;
  result?: unknown;
  error?: JobError;
  progress?: unknown;
  lease?: { workerId: string; expiresAt: string };
  /** Only on GET /v1/jobs/:id; absent on servers from before it. */
  pastAttempts?: PastAttempt[];
}

export interface JobPage {
  jobs: Job[];
  nextCursor: string | null;
}

export interface Schedule {
  id: string;
  tenant: string;
  name: string;
  cron?: string;
  tz?: string;
  every?: number;
  startAt?: string;
  at?: string;
  manual?: boolean;
  payload?: unknown;
  priority?: number;
  tags?: string[];
  maxAttempts?: number;
  backoff?: unknown;
  timeoutMs?: number;
  resources?: Record<string, number>;
  misfire?: string;
  maxCatchUp?: number;
  misfireGraceMs?: number;
  paused: boolean;
  runCount: number;
  lastFireAt?: string;
  nextFireAt?: string;
  lastJobId?: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SchedulePage {
  schedules: Schedule[];
  nextCursor: string | null;
}

export interface Cluster {
  node: { id: string; role: string };
  leader: { id: string; epoch: number; expiresAt: string; lastTickAt?: string; lastTickAgoMs?: number } | null;
  coordinators: { id: string; leader: boolean; lastSeenAt: string; startedAt: string }[];
  workers: { id: string; active: number; concurrency: number; lastSeenAt: string; startedAt: string }[];
  servers: { id: string; lastSeenAt: string; startedAt: string }[];
  queues: { tenant: string; priority: number; counts: Partial<Record<JobStatus, number>> }[];
}

export interface ActivityMinute {
  at: string;
  succeeded: number;
  failed: number;
  retried: number;
}

export interface Activity {
  minutes: ActivityMinute[];
  unsupported?: boolean;
}

export interface PreviewInput {
  cron?: string;
  every?: number;
  at?: string;
  manual?: boolean;
  tz?: string;
  startAt?: string;
  after?: string;
  count?: number;
}

export interface Preview {
  description: string;
  tz: string | null;
  fires: string[];
}

export interface EnqueueInput {
  name: string;
  tenant?: string;
  payload?: unknown;
  priority?: number;
  delayMs?: number;
  tags?: string[];
}

/** An answer of the API that was not a success: its code and message, as it sent them. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

const TOKEN_KEY = 'cadenza.token';

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage refused (a private window): the token lasts until the page is left.
  }
  memoryToken = token;
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing kept
  }
  memoryToken = null;
}

let memoryToken: string | null = null;

/** The headers every call sends: the token, when there is one. */
export function authHeaders(): Record<string, string> {
  const token = readToken() ?? memoryToken;
  return token === null ? {} : { authorization: `Bearer ${token}` };
}

const unauthorizedListeners = new Set<(message: string | undefined) => void>();

/**
 * Runs `listener` whenever the API answers 401, with the API's message when the answer had
 * one (the event stream's has none); answers the function that stops it.
 */
export function onUnauthorized(listener: (message: string | undefined) => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function notifyUnauthorized(message?: string): void {
  for (const listener of unauthorizedListeners) listener(message);
}

/** The API's root: the page is served at <root>ui/, so a server behind a path prefix works too. */
export function apiUrl(path: string): string {
  const root = location.pathname.replace(/ui\/[^/]*$/, '').replace(/\/?$/, '/');
  return `${root}${path.replace(/^\//, '')}`;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { ...authHeaders(), accept: 'application/json' };
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(apiUrl(path), init);
  } catch {
    throw new ApiError(0, 'unavailable', 'The server did not answer: is cadenza running?');
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.ok) return parsed as T;
  const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `http_${response.status}`;
  const message = typeof error?.message === 'string' ? error.message : `The server answered ${response.status}.`;
  if (response.status === 401) notifyUnauthorized(typeof error?.message === 'string' ? message : undefined);
  throw new ApiError(response.status, code, message);
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

const enc = encodeURIComponent;

export const getCluster = (): Promise<Cluster> => call('GET', '/v1/cluster');

/** Jobs ended per minute; a server without the route answers as one whose store keeps none. */
export async function getActivity(minutes = 60): Promise<Activity> {
  try {
    return await call<Activity>('GET', `/v1/activity${query({ minutes })}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { minutes: [], unsupported: true };
    throw error;
  }
}

export interface JobQuery {
  tenant?: string;
  status?: string;
  name?: string;
  tag?: string;
  cursor?: string;
  limit?: number;
}

export const listJobs = (q: JobQuery): Promise<JobPage> => call('GET', `/v1/jobs${query({ ...q })}`);
export const getJob = (id: string): Promise<Job> => call('GET', `/v1/jobs/${enc(id)}`);
export const cancelJob = (id: string): Promise<Job> => call('DELETE', `/v1/jobs/${enc(id)}`);
export const retryJob = (id: string): Promise<Job> => call('POST', `/v1/jobs/${enc(id)}/retry`);
export const enqueueJob = (input: EnqueueInput): Promise<{ id: string; status: JobStatus }> =>
  call('POST', '/v1/jobs', input);

export const listSchedules = (q: { tenant?: string; cursor?: string; limit?: number }): Promise<SchedulePage> =>
  call('GET', `/v1/schedules${query({ ...q })}`);
export const getSchedule = (tenant: string, id: string): Promise<Schedule> =>
  call('GET', `/v1/schedules/${enc(id)}${query({ tenant })}`);
export const putSchedule = (tenant: string, id: string, body: Record<string, unknown>): Promise<Schedule> =>
  call('PUT', `/v1/schedules/${enc(id)}${query({ tenant })}`, body);
export const triggerSchedule = (tenant: string, id: string): Promise<Job> =>
  call('POST', `/v1/schedules/${enc(id)}/trigger${query({ tenant })}`);
export const pauseSchedule = (tenant: string, id: string): Promise<Schedule> =>
  call('POST', `/v1/schedules/${enc(id)}/pause${query({ tenant })}`);
export const resumeSchedule = (tenant: string, id: string): Promise<Schedule> =>
  call('POST', `/v1/schedules/${enc(id)}/resume${query({ tenant })}`);
export const previewSchedule = (input: PreviewInput): Promise<Preview> => call('POST', '/v1/schedules/preview', input);

/** The URL of the event stream (the token goes in a header, never in the URL). */
export const eventsUrl = (): string => apiUrl('/v1/events');
