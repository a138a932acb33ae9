import { availableParallelism } from 'node:os';
import { Worker as Thread } from 'node:worker_threads';
import { type Job, type JobContext, jobLogFields, type Logger } from '@cadenza/core';
import { JobAbortError } from '../attempt-outcome.js';
import type { FromThread, ThreadData, ToThread } from './protocol.js';

export interface CpuPoolOptions {
  /** Absolute path of the handlers module each thread loads. */
  modulePath: string;
  /** Most threads at once; jobs beyond wait in FIFO order for a free thread. */
  size: number;
  /** Old-generation heap limit of each thread (`resourceLimits.maxOldGenerationSizeMb`). */
  memoryMb: number;
  /** How long a thread whose job was aborted may take to let go before it is terminated. */
  graceMs: number;
  log: Logger;
  /** The compiled thread code; tests that run from source point this at the build. */
  entry?: URL;
}

/** `os.availableParallelism() - 1` (one core stays with the event loop), at least 1. */
export function defaultCpuThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

interface Task {
  id: number;
  name: string;
  job: Job;
  ctx: JobContext;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onAbort: () => void;
  done: boolean;
}

interface Slot {
  thread: Thread;
  task: Task | undefined;
  /** Set once the pool means to end this thread: its exit is no job's failure. */
  ending: boolean;
  killTimer: NodeJS.Timeout | undefined;
}

function exhausted(message: string): Error {
  return Object.assign(new Error(message), { code: 'resource_exhausted' });
}

/**
 * Worker threads for `cpu: true` handlers. A thread runs one job at a time, so a busy loop
 * holds one thread and nothing else: the event loop keeps heart-beating, claiming and
 * serving HTTP. Threads start on demand and are ended (then replaced on demand) when:
 *  - one exceeds its memory limit: its job fails with `resource_exhausted`;
 *  - one dies otherwise (an uncaught error, process.exit): its job fails with that error;
 *  - its job was aborted (timeout, cancel, lost lease, shutdown) and the handler did not
 *    return within `graceMs` of the abort reaching `ctx.signal` in the thread.
 */
export class CpuPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private nextId = 1;
  private readonly entry: URL;

  constructor(private readonly o: CpuPoolOptions) {
    this.entry = o.entry ?? new URL('./thread-entry.js', import.meta.url);
  }

  /** Threads alive now (busy or idle). */
  get threads(): number {
    return [...this.slots].filter((s) => !s.ending).length;
  }

  /** Runs job `name` in a thread; settles as the handler does there (or as its thread dies). */
  run(name: string, job: Job, ctx: JobContext): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const task: Task = {
        id: this.nextId++,
        name,
        job,
        ctx,
        resolve,
        reject,
        onAbort: () => this.aborted(task),
        done: false,
      };
      if (ctx.signal.aborted) {
        reject(ctx.signal.reason);
        return;
      }
      ctx.signal.addEventListener('abort', task.onAbort, { once: true });
      this.queue.push(task);
      this.pump();
    });
  }

  /** Ends every thread; jobs still running or waiting fail with `shutdown`. */
  async close(): Promise<void> {
    for (const task of this.queue.splice(0)) this.settle(task, new JobAbortError('shutdown', 'the CPU pool closed'));
    const exits = [...this.slots].map((slot) => this.end(slot));
    await Promise.all(exits);
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = [...this.slots].find((s) => s.task === undefined && !s.ending);
      if (slot === undefined) {
        if (this.threads >= this.o.size) return;
        slot = this.spawn();
      }
      const task = this.queue.shift() as Task;
      slot.task = task;
      const message: ToThread = {
        type: 'run',
        id: task.id,
        name: task.name,
        // A plain copy: the handler's job, without anything that would not clone.
        job: { ...task.job },
        // The job's own logger decides what is worth sending across.
        logLevel: task.ctx.log.level ?? 'info',
      };
      try {
        slot.thread.postMessage(message);
      } catch (error) {
        // A payload that does not clone: that job fails, the thread stays free.
        slot.task = undefined;
        this.settle(task, error);
      }
    }
  }

  private spawn(): Slot {
    const data: ThreadData = { modulePath: this.o.modulePath };
    const thread = new Thread(this.entry, {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: this.o.memoryMb },
    });
    // Idle threads must not keep a process alive; the worker's own timers do while it runs.
    thread.unref();
    const slot: Slot = { thread, task: undefined, ending: false, killTimer: undefined };
    this.slots.add(slot);
    let failure: unknown;
    thread.on('message', (message: FromThread) => this.received(slot, message));
    thread.on('error', (error: Error & { code?: string }) => {
      failure =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? exhausted(`the handler's thread ran out of memory (limit ${this.o.memoryMb} MB)`)
          : error;
    });
    thread.on('exit', (code) => {
      this.slots.delete(slot);
      if (slot.killTimer !== undefined) clearTimeout(slot.killTimer);
      const task = slot.task;
      slot.task = undefined;
      if (task !== undefined) {
        if (!slot.ending)
          this.o.log.warn({ ...jobLogFields(task.job), exitCode: code, err: failure }, 'a CPU thread died');
        this.settle(task, failure ?? new Error(`the handler's thread exited with code ${code}`));
      }
      // A replacement starts when a job needs one.
      this.pump();
    });
    return slot;
  }

  private received(slot: Slot, message: FromThread): void {
    const task = slot.task;
    if (task === undefined || task.id !== message.id) return;
    switch (message.type) {
      case 'done':
        slot.task = undefined;
        if (slot.killTimer !== undefined) clearTimeout(slot.killTimer);
        slot.killTimer = undefined;
        if (message.ok) this.settle(task, undefined, message.result);
        else this.settle(task, Object.assign(new Error(message.error.message), { code: message.error.code }));
        this.pump();
        return;
      case 'progress':
        void task.ctx.progress(message.value);
        return;
      case 'heartbeat':
        task.ctx
          .heartbeat()
          .catch((error: unknown) => this.o.log.warn({ err: error }, 'heartbeat from a CPU thread failed'));
        return;
      case 'log': {
        const log = Object.keys(message.bindings).length === 0 ? task.ctx.log : task.ctx.log.child(message.bindings);
        (log[message.level] as (...args: unknown[]) => void)(...message.args);
        return;
      }
    }
  }

  /** The job's signal aborted: tell its thread, and end the thread if it does not let go in time. */
  private aborted(task: Task): void {
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(task, task.ctx.signal.reason);
      return;
    }
    const slot = [...this.slots].find((s) => s.task === task);
    if (slot === undefined) return;
    const reason = task.ctx.signal.reason as unknown;
    const { kind, message } =
      reason instanceof JobAbortError ? reason : { kind: 'shutdown' as const, message: String(reason) };
    slot.thread.postMessage({ type: 'abort', id: task.id, kind, message } satisfies ToThread);
    // The attempt's outcome is already decided by its signal; the thread only has to be freed.
    slot.killTimer = setTimeout(() => {
      this.o.log.warn(
        { ...jobLogFields(task.job), graceMs: this.o.graceMs },
        'a CPU handler ignored its abort; ending its thread',
      );
      void this.end(slot);
    }, this.o.graceMs);
  }

  private end(slot: Slot): Promise<void> {
    slot.ending = true;
    if (slot.task !== undefined) {
      this.settle(slot.task, slot.task.ctx.signal.reason ?? new JobAbortError('shutdown', 'the CPU pool closed'));
      slot.task = undefined;
    }
    return slot.thread.terminate().then(() => undefined);
  }

  private settle(task: Task, error: unknown, result?: unknown): void {
    if (task.done) return;
    task.done = true;
    task.ctx.signal.removeEventListener('abort', task.onAbort);
    if (error === undefined) task.resolve(result);
    else task.reject(error);
  }
}
