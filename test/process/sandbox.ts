// What a process test file sets up around its tests: the `cadenza` processes it starts,
// killed after each test whatever its outcome, and a temporary folder of its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Cadenza } from './cadenza-process.js';

/**
 * Returns `track(node)`: each process tracked is SIGKILLed and waited for after the test
 * that started it (one that exited already is let go), so that a failed test leaves no
 * process behind to hold a port or a file for the next.
 */
export function killAfterEach(): (node: Cadenza) => Cadenza {
  const running = new Set<Cadenza>();
  afterEach(async () => {
    for (const node of running) {
      node.proc.kill('SIGKILL');
      await node.exited;
    }
    running.clear();
  });
  return (node) => {
    running.add(node);
    void node.exited.then(() => running.delete(node));
    return node;
  };
}

/** A temporary folder (`cadenza-<name>-…`) made before the file's tests and removed after them. */
export function tempDir(name: string): { readonly path: string } {
  let path: string | undefined;
  beforeAll(() => {
    path = mkdtempSync(join(tmpdir(), `cadenza-${name}-`));
  });
  afterAll(() => {
    if (path !== undefined) rmSync(path, { recursive: true, force: true });
  });
  return {
    get path(): string {
      if (path === undefined) throw new Error('the folder exists only inside tests');
      return path;
    },
  };
}
