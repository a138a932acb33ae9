import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobQuery } from '@cadenza/core';
import { checkJobQuery } from '@cadenza/core/store-kit';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStatements, MAX_LIST_READ, SOURCES, type Statement } from './list-jobs.js';
import { createSqliteStore } from './sqlite-store.js';

// The query plans of listJobs, for every combination of its filters (with a status at rest,
// and with waiting), with and without a cursor, as SQLite makes them for a real file at the
// current schema version.
let dir: string;
let db: Database.Database;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cadenza-sqlite-plans-'));
  const path = join(dir, 'cadenza.db');
  await createSqliteStore({ path }).close();
  db = new Database(path, { readonly: true });
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The combinations an index answers alone (schema.ts, versions 4 and 5), by the status
 * asked for: the status indexes hold jobs at rest, not waiting or active ones.
 */
const EXACT: Record<string, string[]> = {
  failed: ['', 'tenant', 'status', 'name', 'tag', 'tenant,status', 'tenant,tag'],
  waiting: ['', 'tenant', 'name', 'tag', 'tenant,tag'],
};

const CURSOR = Buffer.from(JSON.stringify([Date.UTC(2026, 0, 1), 'acme:x'])).toString('base64url');

/** Every combination of the four filters (16), each with and without a cursor. */
function queries(status: string): JobQuery[] {
  const filters = { tenant: 'acme', status, name: 'email.send', tag: 'vip' };
  const all: JobQuery[] = [];
  const keys = Object.keys(filters) as (keyof typeof filters)[];
  for (let mask = 0; mask < 1 << keys.length; mask++) {
    const query: JobQuery = { limit: 50 };
    keys.forEach((key, bit) => {
      if ((mask & (1 << bit)) !== 0) Object.assign(query, { [key]: filters[key] });
    });
    all.push(query, { ...query, cursor: CURSOR });
  }
  return all;
}

function plan(statement: Statement): string[] {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.params) as { detail: string }[];
  return rows.map((row) => row.detail);
}

describe('listJobs query plans', () => {
  for (const query of [...queries('failed'), ...queries('waiting')]) {
    const { limit: _, ...shown } = query;
    it(`reads ${JSON.stringify(shown)} from an index, in list order`, () => {
      const statements = listStatements(checkJobQuery(query), MAX_LIST_READ);
      const all = [statements.rows];
      if (statements.stretchEnd !== undefined) all.push(statements.stretchEnd);
      if (statements.rowsWithin !== undefined) all.push(statements.rowsWithin({ createdAt: 0, id: 'acme:y' }));
      for (const statement of all) {
        const steps = plan(statement);
        const text = steps.join(' | ');
        // Every table is reached through an index: no step reads a table from end to end,
        // and none sorts (the index gives the order).
        for (const step of steps) expect(step, text).toMatch(/USING (COVERING )?INDEX|USING PRIMARY KEY/);
        expect(text).not.toMatch(/TEMP B-TREE/);
        // The first step is the listing index, narrowed by every filter it holds.
        expect(steps[0], text).toMatch(/ USING (COVERING )?INDEX (jobs_|job_tags_)\w*newest\b/);
        const source = SOURCES.find((s) => new RegExp(`INDEX ${s.index}\\b`).test(steps[0] ?? ''));
        for (const key of source?.keys ?? []) expect(steps[0], text).toContain(`${key}=?`);
        if (query.cursor !== undefined) expect(steps[0], text).toMatch(/\(created_at,(id|job_id)\)<\(\?,\?\)/);
      }
      // Only the combinations without an index of their own read a bounded stretch.
      const asked = (['tenant', 'status', 'name', 'tag'] as const).filter((f) => query[f] !== undefined).join(',');
      expect(statements.stretchEnd === undefined).toBe((EXACT[query.status ?? 'failed'] ?? []).includes(asked));
    });
  }
});
