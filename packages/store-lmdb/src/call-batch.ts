import { CadenzaError } from '@cadenza/core';
import type { LmdbFile } from './lmdb-file.js';
import type { Replica } from './replica.js';

interface Call {
  /** Whether the call may change the state (and so needs the write transaction). */
  write: boolean;
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs the calls a process makes in one turn of its event loop together, in the order they
 * were made: in one LMDB write transaction if any of them writes (so one commit, and one
 * flush to disk, serves them all), else straight from this process's copy. Each answer is
 * given once the transaction has committed, so an acknowledged write is on disk.
 *
 * A call refused by core (a CadenzaError, thrown before it changed anything) fails alone and
 * the others go on. Anything else — the file failing — aborts the transaction: every call of
 * the batch fails with `unavailable`, and the copy, which may hold the batch's changes, is
 * rebuilt from the file before the next call.
 */
export class CallBatch {
  private pending: Call[] = [];

  constructor(
    private readonly file: LmdbFile,
    private readonly replica: Replica,
  ) {}

  call<T>(write: boolean, run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ write, run, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) queueMicrotask(() => this.drain());
    });
  }

  /** Runs what is pending now (also called by close, so that nothing queued is dropped). */
  drain(): void {
    const calls = this.pending;
    if (calls.length === 0) return;
    this.pending = [];
    const outcomes: { value?: unknown; error?: unknown }[] = [];
    const runAll = (): void => {
      for (const call of calls) {
        try {
          outcomes.push({ value: call.run() });
        } catch (error) {
          if (!(error instanceof CadenzaError)) throw error;
          outcomes.push({ error });
        }
      }
    };
    try {
      if (calls.some((call) => call.write)) {
        this.file.root.transactionSync(runAll);
      } else {
        // lmdb-js reuses one read snapshot within a turn: renew it, so that these reads see
        // every write committed before them, whichever process made it.
        this.file.root.resetReadTxn();
        runAll();
      }
    } catch (error) {
      this.replica.invalidate();
      const failure = new CadenzaError(
        'unavailable',
        `cannot use store lmdb:${this.file.path}: ${(error as Error).message}`,
        { cause: error },
      );
      for (const call of calls) call.reject(failure);
      return;
    }
    calls.forEach((call, i) => {
      const outcome = outcomes[i];
      if (outcome?.error !== undefined) call.reject(outcome.error);
      else call.resolve(outcome?.value);
    });
  }
}
