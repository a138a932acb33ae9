/**
 * The code of one CPU thread: loads the worker's handlers module (the same file, in this
 * thread's own isolate), then runs the jobs the pool posts, one at a time. A busy loop here
 * blocks only this thread; the pool terminates it when an aborted job does not let go.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { JobContext, JobError } from '@cadenza/core';
import { errorFrom, JobAbortError } from '../attempt-outcome.js';
import { loadHandlersModule } from '../load-handlers.js';
import type { HandlerRegistry } from '../registry.js';
import { cloneable, type FromThread, type ThreadData, type ToThread } from './protocol.js';
import { forwardingLogger } from './thread-log.js';

const port = parentPort;
if (port === null) throw new Error('thread-entry.js runs only as a worker thread of the CPU pool');
const { modulePath } = workerData as ThreadData;

const post = (message: FromThread): void => port.postMessage(message);

let registry: HandlerRegistry | undefined;
let loadError: JobError | undefined;
try {
  registry = await loadHandlersModule(modulePath);
} catch (error) {
  // Reported with every job this thread is given: the worker itself loaded the same file,
  // so this is rare (a module that fails only off the main thread).
  loadError = { code: 'handler_error', message: `in a CPU thread, ${errorFrom(error).message}` };
}

/** The running job's controller, for `abort` messages. */
let current: { id: number; controller: AbortController } | undefined;

port.on('message', (message: ToThread) => {
  if (message.type === 'abort') {
    if (current?.id === message.id) current.controller.abort(new JobAbortError(message.kind, message.message));
    return;
  }
  void run(message);
});

async function run(message: Extract<ToThread, { type: 'run' }>): Promise<void> {
  const { id, name, job } = message;
  const spec = registry?.get(name);
  if (spec === undefined) {
    const error = loadError ?? {
      code: 'no_handler',
      message: `no handler for job name ${JSON.stringify(name)} in the CPU thread`,
    };
    post({ type: 'done', id, ok: false, error });
    return;
  }
  const controller = new AbortController();
  current = { id, controller };
  let log: JobContext['log'] | undefined;
  const ctx: JobContext = {
    signal: controller.signal,
    get log() {
      log ??= forwardingLogger(message.logLevel, (level, bindings, args) =>
        post({ type: 'log', id, level, bindings, args }),
      );
      return log;
    },
    heartbeat: () => {
      post({ type: 'heartbeat', id });
      return Promise.resolve();
    },
    progress: (value: unknown) => {
      post({ type: 'progress', id, value: cloneable(value) });
      return Promise.resolve();
    },
  };
  try {
    const result = await spec.handler(job, ctx);
    post({ type: 'done', id, ok: true, result: cloneable(result) });
  } catch (error) {
    post({ type: 'done', id, ok: false, error: errorFrom(error) });
  } finally {
    if (current?.id === id) current = undefined;
  }
}
