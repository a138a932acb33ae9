import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Job } from '../model/job.js';
import { newJob } from '../testing/fixtures.js';
import { Hooks } from './index.js';

/** An active job of tenant `default`. */
function job(name: string, id = `default:${name}`): Job {
  return {
    ...newJob({ id, name, tenant: 'default', payload: null }, 0),
    status: 'active',
    attempt: 1,
    createdAt: 0,
    startedAt: 0,
    finishedAt: undefined,
    result: undefined,
    error: undefined,
    progress: undefined,
    lease: undefined,
  };
}

/** A pino logger that keeps its records, to see what emit logs. */
function recordingLogger() {
  const records: Record<string, unknown>[] = [];
  const log = pino({ level: 'error' }, { write: (line: string) => records.push(JSON.parse(line)) });
  return { log, records };
}

const error = { code: 'handler_error', message: 'boom' };

describe('Hooks', () => {
  it('runs global hooks, then the job name’s hooks, in registration order', async () => {
    const hooks = new Hooks();
    const order: string[] = [];
    hooks.onJob('email', 'before', () => void order.push('email 1'));
    hooks.on('before', () => void order.push('global 1'));
    hooks.onJob('email', 'before', () => void order.push('email 2'));
    hooks.on('before', () => void order.push('global 2'));
    hooks.onJob('sms', 'before', () => void order.push('sms'));
    await hooks.emit('before', { job: job('email') });
    expect(order).toEqual(['global 1', 'global 2', 'email 1', 'email 2']);
  });

  it('runs only hooks of the emitted kind, with the event', async () => {
    const hooks = new Hooks();
    const seen: unknown[] = [];
    hooks.on('retry', (event) => void seen.push(['retry', event.retryAt]));
    hooks.on('dead', (event) => void seen.push(['dead', event.error.code]));
    hooks.on('failure', (event) => void seen.push(['failure', event.error.message]));
    hooks.on('after', (event) => void seen.push(['after', event.outcome]));
    await hooks.emit('retry', { job: job('a'), error, retryAt: 1234 });
    await hooks.emit('dead', { job: job('a'), error });
    await hooks.emit('failure', { job: job('a'), error });
    await hooks.emit('after', { job: job('a'), outcome: 'failed', error });
    expect(seen).toEqual([
      ['retry', 1234],
      ['dead', 'handler_error'],
      ['failure', 'boom'],
      ['after', 'failed'],
    ]);
  });

  it('awaits each hook before starting the next', async () => {
    const hooks = new Hooks();
    const order: string[] = [];
    hooks.on('after', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push('slow');
    });
    hooks.on('after', () => void order.push('fast'));
    await hooks.emit('after', { job: job('a'), outcome: 'succeeded', result: 1 });
    expect(order).toEqual(['slow', 'fast']);
  });

  it('logs a hook that throws or rejects, runs the rest, and never rejects', async () => {
    const { log, records } = recordingLogger();
    const hooks = new Hooks(log);
    const ran: string[] = [];
    hooks.on('failure', () => {
      throw new Error('sync hook broke');
    });
    hooks.onJob('email', 'failure', async () => {
      throw new Error('async hook broke');
    });
    hooks.onJob('email', 'failure', () => void ran.push('last'));
    await expect(hooks.emit('failure', { job: job('email', 'default:j1'), error })).resolves.toBeUndefined();
    expect(ran).toEqual(['last']);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      msg: 'hook failed',
      hook: 'failure',
      jobId: 'default:j1',
      name: 'email',
      err: { message: 'sync hook broke' },
    });
    expect(records[1]).toMatchObject({ err: { message: 'async hook broke' } });
  });

  it('survives a hook that throws a non-Error, with the default silent logger', async () => {
    const hooks = new Hooks();
    hooks.on('dead', () => {
      throw 'a string';
    });
    await expect(hooks.emit('dead', { job: job('a'), error })).resolves.toBeUndefined();
  });

  it('unsubscribes global and per-name hooks; unsubscribing twice is harmless', async () => {
    const hooks = new Hooks();
    const ran: string[] = [];
    const offGlobal = hooks.on('before', () => void ran.push('global'));
    const offJob = hooks.onJob('a', 'before', () => void ran.push('a'));
    await hooks.emit('before', { job: job('a') });
    offGlobal();
    offJob();
    offJob();
    await hooks.emit('before', { job: job('a') });
    expect(ran).toEqual(['global', 'a']);
  });

  it('the same function registered twice runs twice and unsubscribes one registration at a time', async () => {
    const hooks = new Hooks();
    let count = 0;
    const hook = (): void => {
      count++;
    };
    const off1 = hooks.on('before', hook);
    hooks.on('before', hook);
    await hooks.emit('before', { job: job('a') });
    expect(count).toBe(2);
    off1();
    await hooks.emit('before', { job: job('a') });
    expect(count).toBe(3);
  });

  it('hooks added or removed during an emit take effect from the next emit', async () => {
    const hooks = new Hooks();
    const ran: string[] = [];
    const offSecond = hooks.on('before', () => void ran.push('second'));
    hooks.on('before', () => {
      ran.push('third');
      hooks.on('before', () => void ran.push('added'));
    });
    hooks.on('before', () => offSecond());
    await hooks.emit('before', { job: job('a') });
    expect(ran).toEqual(['second', 'third']);
    ran.length = 0;
    await hooks.emit('before', { job: job('a') });
    expect(ran).toEqual(['third', 'added']);
  });

  it('emits with no hooks registered', async () => {
    await expect(new Hooks().emit('before', { job: job('nobody') })).resolves.toBeUndefined();
  });

  it('a name can be registered again after its hooks were all removed', async () => {
    const hooks = new Hooks();
    const ran: number[] = [];
    hooks.onJob('a', 'before', () => void ran.push(1))();
    hooks.onJob('a', 'before', () => void ran.push(2));
    await hooks.emit('before', { job: job('a') });
    expect(ran).toEqual([2]);
  });
});
