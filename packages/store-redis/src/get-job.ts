import { type Job, tenantOfJobId } from '@cadenza/core';
import { decodeOptions, decodePayload } from './codec.js';
import type { RedisContext } from './context.js';
import { localId } from './keys.js';

/**
 * A finished record as settle.lua writes it: ten fields joined by NUL (JSON never holds a
 * raw NUL): status, priority, createdAt, attempt, startedAt, finishedAt, name, payload,
 * options, result.
 */
function fromFinished(id: string, tenant: string, record: string): Job {
  const [status = '', priority = '0', createdAt = '0', attempt = '0', startedAt = '0', finishedAt = '0', ...rest] =
    record.split('\0');
  const [name = '', payload = '', options = '', result = ''] = rest;
  if (status !== 'succeeded' && status !== 'failed' && status !== 'canceled') {
    throw new Error(`job ${id}: finished record has status ${JSON.stringify(status)}`);
  }
  return {
    ...base(id, tenant, name, payload, options, Number(priority), Number(createdAt)),
    status,
    attempt: Number(attempt),
    startedAt: Number(startedAt),
    finishedAt: Number(finishedAt),
    result: decodePayload(result),
  };
}

/** One job wherever it is (one script, one round trip); undefined when unknown. */
export async function getJob(ctx: RedisContext, id: string): Promise<Job | undefined> {
  const tenant = tenantOfJobId(id);
  if (tenant === undefined) return undefined;
  const keys = ctx.keysOf(tenant);
  const reply = (await ctx.scripts.call(
    ctx.redis,
    'get-job',
    [keys.where, keys.active, keys.finished, ...keys.streams],
    [localId(tenant, id)],
  )) as string[];
  const [where, ...rest] = reply;
  if (where === 'finished') return fromFinished(id, tenant, rest[0] ?? '');
  if (where === 'active') {
    const [lease = '', name = '', payload = '', options = '', spent = '0', createdAt = '0', priority = '0'] = rest;
    const [, , attempt = '0', token = '', expiresAt = '0', startedAt = '0', ...worker] = lease.split('/');
    return {
      ...base(id, tenant, name, payload, options, Number(priority), Number(createdAt)),
      status: 'active',
      attempt: Number(attempt) || Number(spent) + 1,
      startedAt: Number(startedAt),
      lease: { workerId: worker.join('/'), token, expiresAt: Number(expiresAt) },
    };
  }
  if (where === 'waiting') {
    const [name = '', payload = '', options = '', spent = '0', createdAt = '0', priority = '0'] = rest;
    return {
      ...base(id, tenant, name, payload, options, Number(priority), Number(createdAt)),
      status: 'waiting',
      attempt: Number(spent),
    };
  }
  return undefined;
}

function base(
  id: string,
  tenant: string,
  name: string,
  payload: string,
  options: string,
  priority: number,
  createdAt: number,
): Job {
  return {
    id,
    name,
    tenant,
    payload: decodePayload(payload),
    priority,
    ...decodeOptions(options),
    runAt: undefined,
    status: 'waiting',
    attempt: 0,
    createdAt,
    startedAt: undefined,
    finishedAt: undefined,
    result: undefined,
    error: undefined,
    progress: undefined,
    lease: undefined,
  };
}
