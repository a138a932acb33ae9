import { createMemoryStore, HTTP_STATUS, type MemoryStore } from '@cadenza/core';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { ServerOptions } from '../server.js';
import { errorOf, storeContents, type TestServer, testServer } from '../server.test-helpers.js';
import { FUZZ_RUNS } from './runs.test-helpers.js';

/**
 * The checks every fuzzed request must pass: no 5xx; every 4xx a JSON error of the catalogue
 * with the status the catalogue gives its code; and a refused request (any 4xx), or any read,
 * leaves the store exactly as it was: the memory store's whole state (jobs with their
 * statuses, schedules, indexes, queues) is compared before and after.
 */

export interface FuzzServer extends TestServer {
  store: MemoryStore;
  /** How many answers of each status the fuzzed requests got. */
  statuses: Map<number, number>;
}

/** A server on a memory store whose whole state can be compared. */
export function fuzzServer(options: Partial<Omit<ServerOptions, 'store'>> = {}): FuzzServer {
  const store = createMemoryStore();
  return { ...testServer({ ...options, store }), store, statuses: new Map() };
}

/**
 * Asserts that the fuzzed requests got each of `statuses` at least once: a generator that
 * only ever produced refusals (or only successes) would test much less than it claims.
 */
export function expectAnswered(server: FuzzServer, statuses: readonly number[]): void {
  // A short run (CADENZA_FUZZ_RUNS=50, to try a change quickly) may miss one by chance.
  if (FUZZ_RUNS < 1000) return;
  expect([...server.statuses.keys()].sort(), JSON.stringify([...server.statuses])).toEqual(
    expect.arrayContaining([...statuses]),
  );
}

async function snapshot(store: MemoryStore): Promise<string> {
  return JSON.stringify({ contents: await storeContents(store), state: store.exportState() });
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Sends `request` and asserts the checks above; returns the answer. */
export async function injectChecked(server: FuzzServer, request: InjectOptions): Promise<LightMyRequestResponse> {
  // A second passes between requests, so that a per-token rate limit never refuses a case.
  await server.clock.advance(1000);
  const before = await snapshot(server.store);
  const response = await server.app.inject(request);
  server.statuses.set(response.statusCode, (server.statuses.get(response.statusCode) ?? 0) + 1);
  const what = `${request.method} ${String(request.url).slice(0, 300)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
  expect(response.statusCode, what).toBeLessThan(500);
  const refused = response.statusCode >= 400;
  // A HEAD answer has a status and headers only.
  if (refused && request.method !== 'HEAD') {
    const { code } = errorOf(response);
    expect(Object.keys(HTTP_STATUS), what).toContain(code);
    expect(HTTP_STATUS[code as keyof typeof HTTP_STATUS], what).toBe(response.statusCode);
  }
  if (refused || READS.has(String(request.method))) {
    expect(await snapshot(server.store), `the store changed: ${what}`).toBe(before);
  }
  return response;
}

/** The headers of a request with this content type and authorization (either may be absent). */
export function headersOf(contentType: string | undefined, authorization?: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (contentType !== undefined) headers['content-type'] = contentType;
  if (authorization !== undefined) headers.authorization = authorization;
  return headers;
}
