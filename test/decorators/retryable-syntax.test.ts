// Vitest's transformer does not lower standard decorators, so the unit tests in core apply
// `retryable` by hand. This test compiles a class that uses the `@retryable(...)` syntax
// with the project's TypeScript compiler and runs the output on a fake clock.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FakeClock } from '@cadenza/core';
import { drive } from '@cadenza/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const fixture = join(import.meta.dirname, 'fixture');

interface FlakyClient {
  attemptsAt: number[];
  fetch(id: number, signal?: AbortSignal): Promise<string>;
}
let makeFlakyClient: (clock: FakeClock, failures: number) => FlakyClient;

beforeAll(async () => {
  execFileSync(process.execPath, [tscBin(), '-p', join(fixture, 'tsconfig.json')], { stdio: 'pipe' });
  ({ makeFlakyClient } = await import(pathToFileURL(join(fixture, 'dist', 'flaky-client.js')).href));
}, 60_000);

function tscBin(): string {
  return join(import.meta.dirname, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
}

describe('@retryable compiled by tsc', () => {
  it('retries a failing method with exponential backoff on the injected clock', async () => {
    const clock = new FakeClock(0);
    const client = makeFlakyClient(clock, 2);
    const result = await drive(clock, client.fetch(7));
    expect(result).toBe('item 7');
    expect(client.attemptsAt).toEqual([0, 100, 300]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const clock = new FakeClock(0);
    const client = makeFlakyClient(clock, 10);
    await expect(drive(clock, client.fetch(1))).rejects.toThrow('attempt 4 failed');
    expect(client.attemptsAt).toEqual([0, 100, 300, 700]);
  });

  it('stops retrying when the AbortSignal passed last aborts', async () => {
    const clock = new FakeClock(0);
    const client = makeFlakyClient(clock, 10);
    const controller = new AbortController();
    const pending = client.fetch(1, controller.signal);
    await clock.advance(50);
    controller.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow('caller gave up');
    expect(client.attemptsAt).toEqual([0]);
  });
});
