// Handlers for `cadenza dev --handlers examples/handlers.mjs`: plain JavaScript, so `node`
// loads it without a build. The default export maps job names to handlers; a handler gets
// the job and a context (`ctx.signal`, `ctx.log`, `ctx.heartbeat()`, `ctx.progress(value)`),
// and what it returns is stored as the job's result; what it throws fails the attempt.
import { setTimeout as sleep } from 'node:timers/promises';

export default {
  // An ordinary async job.
  'email.send': async (job, ctx) => {
    const { to = 'nobody@example.com', subject = '(no subject)' } = job.payload ?? {};
    ctx.log.info({ to, subject }, 'sending email');
    await sleep(200, undefined, { signal: ctx.signal });
    return { sent: true, to };
  },

  // Fails its first attempt and succeeds on the retry: enqueue it with maxAttempts >= 2.
  'report.build': async (job, ctx) => {
    if (job.attempt === 1) throw new Error('the warehouse was not ready (this first attempt always fails)');
    ctx.log.info('building report');
    await ctx.progress({ percent: 50 });
    await sleep(300, undefined, { signal: ctx.signal });
    return { rows: 42, attempt: job.attempt };
  },

  // A dependency chain: transform waits for extract, load waits for transform
  // (see the "jobs" of examples/schedules.json).
  'etl.extract': async (job, ctx) => {
    ctx.log.info({ source: job.payload?.source }, 'extracting');
    await sleep(300, undefined, { signal: ctx.signal });
    return { records: 1000 };
  },
  'etl.transform': async (_job, ctx) => {
    ctx.log.info('transforming');
    await sleep(300, undefined, { signal: ctx.signal });
    return { records: 980 };
  },
  'etl.load': async (job, ctx) => {
    ctx.log.info({ target: job.payload?.target }, 'loading');
    await sleep(300, undefined, { signal: ctx.signal });
    return { loaded: true };
  },

  // What the schedules fire: a synchronous handler is fine too.
  tick: (job, ctx) => {
    ctx.log.info(
      {
        scheduleId: job.scheduleId,
        scheduledFor: job.scheduledFor === undefined ? undefined : new Date(job.scheduledFor).toISOString(),
      },
      'tick',
    );
    return { at: new Date().toISOString() };
  },
};
