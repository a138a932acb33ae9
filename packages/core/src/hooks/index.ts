import { jobLogFields } from '../log/job-fields.js';
import { type Logger, silentLogger } from '../log/logger.js';
import type { Job, JobError } from '../model/job.js';

/**
 * Lifecycle hooks a worker calls around each attempt:
 *
 *   before   an attempt starts
 *   after    an attempt ended (succeeded or failed)
 *   failure  an attempt failed (whether or not it will be retried)
 *   retry    a failed attempt will be retried at `retryAt`
 *   dead     the job failed for good: no attempts left
 *
 * Hooks observe; they cannot change the outcome. A hook that throws or rejects is logged
 * and ignored, because a broken metrics or alerting hook must never fail or stall jobs.
 */
export type HookKind = 'before' | 'after' | 'failure' | 'retry' | 'dead';

export interface HookEvents {
  before: { job: Job };
  after: { job: Job; outcome: 'succeeded' | 'failed'; result?: unknown; error?: JobError };
  failure: { job: Job; error: JobError };
  retry: { job: Job; error: JobError; retryAt: number };
  dead: { job: Job; error: JobError };
}

export type Hook<K extends HookKind> = (event: HookEvents[K]) => void | Promise<void>;

/** One registration; a wrapper so that the same function registered twice unsubscribes once. */
interface Entry {
  hook: (event: never) => void | Promise<void>;
}

type Registry = Map<HookKind, Entry[]>;

export class Hooks {
  private readonly log: Logger;
  private readonly global: Registry = new Map();
  private readonly byName = new Map<string, Registry>();

  constructor(log: Logger = silentLogger()) {
    this.log = log;
  }

  /** Runs `hook` for every job; returns a function that unregisters it. */
  on<K extends HookKind>(kind: K, hook: Hook<K>): () => void {
    return add(this.global, kind, hook);
  }

  /** Runs `hook` for jobs named `name` only, after the global hooks of the same kind. */
  onJob<K extends HookKind>(name: string, kind: K, hook: Hook<K>): () => void {
    let registry = this.byName.get(name);
    if (registry === undefined) {
      registry = new Map();
      this.byName.set(name, registry);
    }
    const off = add(registry, kind, hook);
    return () => {
      off();
      // Names may be many and short-lived; forget a name once it has no hooks left.
      if (registry.size === 0 && this.byName.get(name) === registry) this.byName.delete(name);
    };
  }

  /**
   * Runs the global hooks of `kind`, then those of the event's job name, in the order they
   * were registered, one at a time. Never rejects. The lists are copied first, so a hook
   * that registers or unregisters hooks affects the next emit, not this one.
   */
  async emit<K extends HookKind>(kind: K, event: HookEvents[K]): Promise<void> {
    const entries = [...(this.global.get(kind) ?? []), ...(this.byName.get(event.job.name)?.get(kind) ?? [])];
    for (const entry of entries) {
      try {
        // Entries of `kind` hold hooks of `kind`: `add` is the only way in.
        await (entry.hook as Hook<K>)(event);
      } catch (err) {
        this.log.error({ err, hook: kind, ...jobLogFields(event.job) }, 'hook failed');
      }
    }
  }
}

function add<K extends HookKind>(registry: Registry, kind: K, hook: Hook<K>): () => void {
  const entry: Entry = { hook };
  const list = registry.get(kind) ?? [];
  list.push(entry);
  registry.set(kind, list);
  return () => {
    const current = registry.get(kind);
    const index = current?.indexOf(entry) ?? -1;
    if (current === undefined || index < 0) return;
    current.splice(index, 1);
    if (current.length === 0) registry.delete(kind);
  };
}
