import { CadenzaError, type Fence } from '@cadenza/core';
import { type CheckedLimits, type Gates, StoreSignals } from '@cadenza/core/store-kit';
import type Database from 'better-sqlite3';
import { Ctx } from './context.js';
import { checkFence } from './leadership.js';
import { nextDueAt } from './recovery.js';

const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);

/**
 * How every store call runs: one transaction each, on one connection. Reads are DEFERRED
 * (one consistent snapshot; WAL lets them run beside another process's write); writes are
 * IMMEDIATE (the write lock is taken first, so two processes serialise rather than fail
 * at upgrade). A refused call throws inside its transaction, which rolls it back whole.
 */
export class Transactions {
  readonly signals = new StoreSignals();
  private readonly ctx: Ctx;
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    weightOf: (tenant: string) => number,
    limitsOf: (tenant: string) => CheckedLimits | undefined,
    gates: Gates,
  ) {
    this.ctx = new Ctx(db, weightOf, limitsOf, gates);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.signals.clear();
    try {
      this.db.pragma('optimize');
    } catch {
      // Only a hint to the query planner: closing matters more.
    }
    this.db.close();
  }

  /** A query in one (deferred) transaction, so that it reads one consistent state. */
  read<T>(query: (c: Ctx) => T): T {
    this.open();
    return this.guard(() => this.db.transaction(() => query(this.ctx)).deferred());
  }

  /**
   * A change in one IMMEDIATE transaction. Signals raised inside are emitted after the
   * commit; `due` when the earliest due time moved earlier (checked only while somebody
   * listens, and only for a change that may move one: `movesDue`).
   */
  write<T>(change: (c: Ctx) => T, movesDue = true): T {
    this.open();
    const listening = movesDue && this.signals.listening;
    const result = this.guard(() =>
      this.db
        .transaction(() => {
          this.ctx.raised.clear();
          const dueBefore = listening ? nextDueAt(this.ctx) : undefined;
          const value = change(this.ctx);
          if (listening) {
            const dueAfter = nextDueAt(this.ctx);
            if (dueAfter !== undefined && (dueBefore === undefined || dueAfter < dueBefore)) this.ctx.raised.add('due');
          }
          return value;
        })
        .immediate(),
    );
    this.signals.emitAll(this.ctx.raised);
    this.ctx.raised.clear();
    return result;
  }

  /** A leader's write: refused with StaleEpochError, before anything else, unless `fence` leads. */
  fenced<T>(fence: Fence, change: (c: Ctx) => T): T {
    return this.write((c) => {
      checkFence(c, fence);
      return change(c);
    });
  }

  private open(): void {
    if (this.closed) throw new CadenzaError('unavailable', `the sqlite store ${this.path} is closed`);
  }

  /** Maps SQLite's own failures: a lock held too long is `unavailable`; ours pass through. */
  private guard<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof CadenzaError) throw error;
      const code = (error as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && BUSY_CODES.has(code)) {
        throw new CadenzaError('unavailable', `the sqlite store ${this.path} is busy (${code}); try again`, {
          cause: error,
        });
      }
      if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
        throw new CadenzaError('conflict', `the sqlite store ${this.path} refused the write: ${String(error)}`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}
