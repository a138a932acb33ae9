import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const PACKAGE = join(import.meta.dirname, '..');
const DIST = join(PACKAGE, 'dist', 'index.js');

/**
 * Child processes run the built package (Node cannot load the TypeScript sources): refuse
 * to test a build older than the sources, which would test something else.
 */
export function assertBuilt(): void {
  const newest = (folder: string, ext: string): number =>
    Math.max(
      0,
      ...readdirSync(folder)
        .filter((name) => name.endsWith(ext) && !name.includes('.test'))
        .map((name) => statSync(join(folder, name)).mtimeMs),
    );
  const dist = join(PACKAGE, 'dist');
  // tsc --build rewrites only the files whose output changed: the newest of them counts.
  const built = existsSync(DIST) ? newest(dist, '.js') : 0;
  if (built < newest(join(PACKAGE, 'src'), '.ts')) {
    throw new Error(`${DIST} is missing or older than src/: build first (npx tsc --build)`);
  }
}

export interface Child {
  readonly proc: ChildProcess;
  /** Every line printed so far. */
  readonly lines: string[];
  /** Resolves with the first line (printed so far or later) that `match` accepts; rejects after `timeoutMs`. */
  line(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/**
 * Runs `body` as an ES module in a new Node process, with `createLmdbStore` (from the built
 * package), `prepareJob` and `realClock` (from core) imported, and `env` in process.env.
 */
export function runChild(body: string, env: Record<string, string>): Child {
  const script = [
    `import { createLmdbStore } from ${JSON.stringify(pathToFileURL(DIST).href)};`,
    `import { prepareJob, realClock } from '@cadenza/core';`,
    body,
  ].join('\n');
  const proc = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: PACKAGE,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<{ match: (line: string) => boolean; resolve: (line: string) => void }>();
  createInterface({ input: proc.stdout }).on('line', (line) => {
    lines.push(line);
    for (const waiter of waiters) {
      if (waiter.match(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  });
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    proc,
    lines,
    exited,
    stderr: () => stderr,
    line(match, timeoutMs = 10_000) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (line: string) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no such line within ${timeoutMs} ms; stderr: ${stderr}`));
        }, timeoutMs);
        waiters.add(waiter);
        void exited.then(() => {
          if (waiters.delete(waiter)) {
            clearTimeout(timer);
            reject(new Error(`the child exited before printing such a line; stderr: ${stderr}`));
          }
        });
      });
    },
  };
}
