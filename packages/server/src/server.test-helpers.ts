/**
 * Helpers for the server's tests: a server on a fresh memory store and a FakeClock,
 * driven through `inject()` (no socket). Excluded from the build (tsconfig.json).
 */
import { createMemoryStore, FakeClock, type Store } from '@cadenza/core';
import { allJobs } from '@cadenza/core/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach } from 'vitest';
import { createServer, type ServerOptions } from './server.js';

export const START = '2026-01-01T00:00:00.000Z';

export interface TestServer {
  app: FastifyInstance;
  store: Store;
  clock: FakeClock;
}

const open: TestServer[] = [];

afterEach(async () => {
  for (const server of open.splice(0)) {
    await server.app.close();
    await server.store.close();
  }
});

/** A server on a fresh memory store (or `options.store`), closed after the test. */
export function testServer(options: Partial<ServerOptions> = {}): TestServer {
  const clock = new FakeClock(START);
  const store = options.store ?? createMemoryStore();
  const app = createServer({ clock, ...options, store });
  const server = { app, store, clock };
  open.push(server);
  return server;
}

/** The response body as JSON. */
// biome-ignore lint/suspicious/noExplicitAny: test bodies are checked by expect().
export function body(response: LightMyRequestResponse): any {
  return response.json();
}

/** Asserts the shape of an error answer and returns its message. */
export function errorOf(response: LightMyRequestResponse): { code: string; message: string } {
  const parsed = response.json() as { error?: { code?: unknown; message?: unknown } };
  const error = parsed.error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') {
    throw new Error(`not an error body: ${response.body}`);
  }
  return { code: error.code, message: error.message };
}

/** Everything the store holds, as the tests that check "nothing was written" see it. */
export async function storeContents(store: Store): Promise<{ jobs: number; schedules: number }> {
  const jobs = await allJobs(store);
  const schedules = await store.listSchedules({ limit: 1000 });
  return { jobs: jobs.length, schedules: schedules.schedules.length };
}
