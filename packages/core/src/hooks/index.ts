// STUB — replaced by the hooks module's real implementation.
import type { Logger } from '../log/logger.js';
import type { Job, JobError } from '../model/job.js';

export type HookKind = 'before' | 'after' | 'failure' | 'retry' | 'dead';
export interface HookEvents {
  before: { job: Job };
  after: { job: Job; outcome: 'succeeded' | 'failed'; result?: unknown; error?: JobError };
  failure: { job: Job; error: JobError };
  retry: { job: Job; error: JobError; retryAt: number };
  dead: { job: Job; error: JobError };
}
export type Hook<K extends HookKind> = (event: HookEvents[K]) => void | Promise<void>;

export class Hooks {
  constructor(_log?: Logger) {}
  on<K extends HookKind>(_kind: K, _hook: Hook<K>): () => void {
    throw new Error('not implemented');
  }
  onJob<K extends HookKind>(_name: string, _kind: K, _hook: Hook<K>): () => void {
    throw new Error('not implemented');
  }
  async emit<K extends HookKind>(_kind: K, _event: HookEvents[K]): Promise<void> {
    throw new Error('not implemented');
  }
}
