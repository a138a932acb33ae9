// Handlers for pool.test.ts, loaded by the CPU threads (and by the test, for their specs).
import { isMainThread, threadId } from 'node:worker_threads';

export default {
  inline: () => 'inline',
  'cpu.echo': {
    cpu: true,
    handler: async (job, ctx) => {
      ctx.log.info({ step: 1 }, 'echo in thread');
      await ctx.progress({ half: true });
      await ctx.heartbeat();
      return { payload: job.payload, at: new Date(0), inThread: !isMainThread, threadId };
    },
  },
  'cpu.spin': {
    cpu: true,
    handler: (job) => {
      const end = performance.now() + job.payload.ms;
      while (performance.now() < end) {
        // busy
      }
      return threadId;
    },
  },
  'cpu.hog': {
    cpu: true,
    handler: () => {
      const keep = [];
      for (;;) keep.push(Array.from({ length: 10_000 }, (_, i) => ({ i })));
    },
  },
  'cpu.stuck': {
    cpu: true,
    handler: () => {
      for (;;) {
        // ignores its signal
      }
    },
  },
  'cpu.polite': {
    cpu: true,
    handler: (_job, ctx) =>
      new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
      }),
  },
  'cpu.throws': {
    cpu: true,
    handler: () => {
      throw Object.assign(new Error('bad input'), { code: 'bad_input' });
    },
  },
};
