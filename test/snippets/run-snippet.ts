/**
 * Runs one snippet the way a reader would: JavaScript as an .mjs file with `node`, shell with
 * `sh -e` and `cadenza` on the PATH, from the repository root. Each must exit by itself.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, captureOutput, cleanEnv, ROOT, waitFor } from '../process/cadenza-process.js';

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when it had to be killed because it did not exit within the time allowed. */
  hung: boolean;
}

export const SNIPPET_TIMEOUT_MS = 30_000;

/**
 * A scratch folder outside the repository whose `node_modules` is the test package's, where
 * every @cadenza package resolves (as it does for a user who installed them), and a `bin/`
 * with a `cadenza` command that runs the built CLI.
 */
export function scratchFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-snippets-'));
  symlinkSync(join(ROOT, 'test', 'node_modules'), join(dir, 'node_modules'), 'dir');
  mkdirSync(join(dir, 'bin'));
  const cadenza = join(dir, 'bin', 'cadenza');
  writeFileSync(cadenza, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(cadenza, 0o755);
  return dir;
}

let seq = 0;

export function runJavaScript(
  scratch: string,
  code: string,
  env: Record<string, string> = {},
  timeoutMs = SNIPPET_TIMEOUT_MS,
): Promise<Ran> {
  const file = join(scratch, `snippet-${++seq}.mjs`);
  writeFileSync(file, code);
  return runToEnd(process.execPath, [file], scratch, env, false, timeoutMs);
}

/** Imports a module file and checks that it has a default export, in a process of its own. */
export function loadModule(scratch: string, code: string): Promise<Ran> {
  const file = join(scratch, `module-${++seq}.mjs`);
  writeFileSync(file, code);
  const check = `const m = await import(${JSON.stringify(file)}); if (m.default === undefined) { console.error('no default export'); process.exit(1); }`;
  return runToEnd(process.execPath, ['--input-type=module', '-e', check], scratch, {}, false, SNIPPET_TIMEOUT_MS);
}

export function runShell(
  scratch: string,
  code: string,
  env: Record<string, string> = {},
  timeoutMs = SNIPPET_TIMEOUT_MS,
): Promise<Ran> {
  return runToEnd('sh', ['-e', '-c', code], scratch, env, true, timeoutMs);
}

function runToEnd(
  command: string,
  args: readonly string[],
  scratch: string,
  env: Record<string, string>,
  group: boolean,
  timeoutMs: number,
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, {
      cwd: ROOT,
      detached: group,
      env: cleanEnv({ PATH: `${join(scratch, 'bin')}:${process.env.PATH ?? ''}`, ...env }),
    });
    const output = captureOutput(proc);
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      proc.kill('SIGKILL');
    }, timeoutMs);
    proc.on('error', reject);
    // What a shell snippet started in the background (`cadenza worker … &`) ends with it:
    // those processes hold the output pipes open, so the end of the snippet is its exit.
    let ended = Promise.resolve();
    proc.on('exit', () => {
      clearTimeout(timer);
      if (group && proc.pid !== undefined) ended = endGroup(proc.pid);
    });
    proc.on('close', (code, signal) => {
      ended.then(() => resolve({ code, signal, ...output(), hung }), reject);
    });
  });
}

async function endGroup(pgid: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  await waitFor(`process group ${pgid} to end`, () => !signalGroup(pgid, 0));
}

/** False once no process of the group is left. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
