// The README's quick start as a user runs it: `npx -y pnpm@12.4.2 dev` from the checkout
// (the install half is what .ci/run has just done), then Ctrl-C — SIGINT to the whole
// terminal group, npx, pnpm and cadenza alike. cadenza must stop cleanly and no wrapper
// may report a failure (pnpm used to print `[ELIFECYCLE] Command failed.`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertBuilt, type Cadenza, enqueue, startCommand, waitForStatus } from './cadenza-process.js';

let dir: string;
let dev: Cadenza | undefined;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'cadenza-quick-start-'));
});
afterAll(() => {
  if (dev?.proc.exitCode === null && dev.proc.signalCode === null) process.kill(-(dev.proc.pid ?? 0), 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

it('pnpm dev serves the examples, and Ctrl-C stops it with no failure reported', async () => {
  // Port and store through the environment, as flags cannot be added to `pnpm dev`; this
  // machine may already serve on 8080, and the checkout's own ./.cadenza stays untouched.
  dev = await startCommand('dev', 'npx', ['-y', 'pnpm@12.4.2', 'dev'], {
    group: true,
    env: { CADENZA_PORT: '0', CADENZA_STORE: `sqlite:${join(dir, 'cadenza.db')}` },
  });
  const id = await enqueue(dev, { name: 'report.build', maxAttempts: 2, backoff: { type: 'fixed', delayMs: 100 } });
  expect((await waitForStatus(dev, id, 'succeeded')).attempt).toBe(2);

  await dev.stop('SIGINT');
  // npx ends by the signal at once; cadenza, which shares its output, ends after its shutdown.
  if (dev.proc.stdout !== null) await finished(dev.proc.stdout);
  const output = `${dev.stdout.join('\n')}\n${dev.stderr()}`;
  expect(output).not.toContain('ELIFECYCLE');
  expect(output).not.toContain('second signal');
  const stopped = dev.stdout.filter((line) => line.includes('"msg":"stopped"')).map((line) => JSON.parse(line).code);
  expect(stopped).toEqual([0]);
}, 120_000);
