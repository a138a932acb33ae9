import type { StoreSignal } from '@cadenza/core';
import type { CheckedLimits, Gates } from '@cadenza/core/store-kit';
import type Database from 'better-sqlite3';

/**
 * What an operation works with inside its transaction: the database, a cache of prepared
 * statements, the tenant weights and limits, the resource gates, and the signals to emit
 * once the transaction commits.
 */
export class Ctx {
  private readonly statements = new Map<string, Database.Statement>();
  /** Signals raised by the running operation; emitted after its commit. */
  readonly raised = new Set<StoreSignal>();

  constructor(
    readonly db: Database.Database,
    readonly weightOf: (tenant: string) => number,
    readonly limitsOf: (tenant: string) => CheckedLimits | undefined,
    readonly gates: Gates,
  ) {}

  /** A prepared statement for `text`, prepared once per store. */
  sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** The next value of the store's one growing sequence (places in line, ring positions). */
  nextSeq(): number {
    const row = this.sql("UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value").get() as {
      value: number;
    };
    return row.value;
  }
}
