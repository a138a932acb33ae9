// Listing through real processes on a SQLite file large enough that a filter pair no index
// holds (tenant and name) is answered a bounded stretch at a time: `GET /v1/jobs` hands on
// a short page with its cursor, and `cadenza jobs` reads on until it has its jobs.
// Build first (`npx -y pnpm@12.4.2 build`); these tests run dist/bin.js.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realClock } from '@cadenza/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type Cadenza, runCli, startDev, waitFor } from './cadenza-process.js';

/** More than the SQLite store reads in one call for a filter left to the rows (its MAX_LIST_READ, 5,000). */
const NEWER = 6000;

interface Page {
  jobs: { id: string; tenant: string; name: string; createdAt: string; payload?: unknown; result?: unknown }[];
  nextCursor: string | null;
}

let dir: string;
let node: Cadenza | undefined;

beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'cadenza-list-'));
});
afterAll(async () => {
  node?.proc.kill('SIGKILL');
  await node?.exited;
  rmSync(dir, { recursive: true, force: true });
});

describe('listing a large SQLite store', () => {
  it('a sparse filter pair: an empty page with a cursor over HTTP, then the jobs; cadenza jobs reads on to them', async () => {
    const path = join(dir, 'cadenza.db');
    const store = ['--store', `sqlite:${path}`];
    node = await startDev([...store, '--log-level', 'warn']);
    const dev = node;
    const batch = async (jobs: object[]) => {
      const response = await dev.http<{ ids: string[] }>('POST', '/v1/jobs/batch', { jobs });
      expect(response.status).toBe(201);
      return response.body.ids;
    };
    // Three acme jobs among the oldest, then many newer ones of the same name in beta.
    const acme = await batch([
      ...[1, 2, 3].map((n) => ({ name: 'rare', tenant: 'acme', tags: ['vip'], payload: { n } })),
      ...Array.from({ length: 100 }, () => ({ name: 'rare', tenant: 'beta' })),
    ]);
    const first = await dev.http<{ createdAt: string }>('GET', `/v1/jobs/${acme[0]}`);
    const created = Date.parse(first.body.createdAt);
    await waitFor('the next millisecond', () => realClock.now() > created);
    await batch(Array.from({ length: NEWER }, () => ({ name: 'rare', tenant: 'beta' })));
    const expected = acme.slice(0, 3).sort().reverse();

    const page = async (query: string) => {
      const response = await dev.http<Page>('GET', `/v1/jobs?${query}`);
      expect(response.status).toBe(200);
      return response.body;
    };
    const short = await page('tenant=acme&name=rare&limit=50');
    expect(short.jobs).toEqual([]);
    expect(typeof short.nextCursor).toBe('string');
    const rest = await page(
      `tenant=acme&name=rare&limit=50&include=payload&cursor=${encodeURIComponent(short.nextCursor ?? '')}`,
    );
    expect(rest.jobs.map((j) => j.id)).toEqual(expected);
    expect(rest.jobs.map((j) => j.payload)).toEqual(expected.map((id) => ({ n: acme.indexOf(id) + 1 })));
    expect(rest.nextCursor).toBeNull();
    expect(await dev.stop()).toEqual({ code: 0, signal: null });
    node = undefined;

    const table = await runCli(['jobs', '--tenant', 'acme', '--name', 'rare', ...store]);
    expect(table.code).toBe(0);
    const rows = table.stdout.trim().split('\n').slice(1);
    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(expected);

    const tagged = await runCli(['jobs', '--tag', 'vip', '--limit', '2', ...store]);
    expect(
      tagged.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((row) => row.split(/\s+/)[0]),
    ).toEqual(expected.slice(0, 2));
  }, 60_000);
});
