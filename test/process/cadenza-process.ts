/**
 * Starts the real, built `cadenza` binary (`node packages/cli/dist/bin.js`) as a child
 * process and talks to it over HTTP. Waits are event-driven (the start line, the exit
 * event) or polls with a deadline; nothing sleeps for a fixed time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
export const FIXTURE = join(import.meta.dirname, 'fixture');

export function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npx -y pnpm@12.4.2 build)`);
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Cadenza {
  proc: ChildProcess;
  url: string;
  stdout: string[];
  stderr: () => string;
  exited: Promise<Exit>;
  /** GET/POST/PUT JSON; resolves with status and parsed body. */
  http<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/** Runs a short command (an admin verb) to completion. */
export function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<Exit & { stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cleanEnv(env) });
    const output = captureOutput(proc);
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve({ code, signal, ...output() }));
  });
}

/** Gathers everything a child process writes; the function returns it so far. */
export function captureOutput(proc: ChildProcess): () => { stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return () => ({ stdout, stderr });
}

/** The test's environment without CADENZA_* variables (which would set flags), plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CADENZA_')) env[k] = v;
  return { ...env, ...extra };
}

/** The long-running commands; each prints one start line once it serves. */
export type Role = 'dev' | 'worker' | 'coordinator' | 'server';

/**
 * Starts `cadenza dev --port 0 …args`, resolves once the start line names the URL and
 * `/readyz` answers 200; rejects (with stderr) if the process exits first.
 */
export function startDev(args: readonly string[], env: Record<string, string> = {}): Promise<Cadenza> {
  return startCadenza('dev', args, env);
}

/**
 * Starts `cadenza ROLE --port 0 …args` (any long-running command), resolves once its start
 * line names the URL and `/readyz` answers 200; rejects (with stderr) if it exits first.
 */
export function startCadenza(role: Role, args: readonly string[], env: Record<string, string> = {}): Promise<Cadenza> {
  return startCommand(role, process.execPath, [BIN, role, '--port', '0', ...args], { env });
}

/**
 * Starts any command line that runs a long-running `cadenza ROLE` (the installed binary
 * through `npx`, say) in `cwd`, and waits for it as `startCadenza` does.
 */
export async function startCommand(
  role: Role,
  command: string,
  argv: readonly string[],
  { cwd = ROOT, env = {}, group = false }: { cwd?: string; env?: Record<string, string>; group?: boolean } = {},
): Promise<Cadenza> {
  // `group`: the command starts its own process group and `stop` signals the whole group, as
  // Ctrl-C in a terminal does (a wrapper such as npx does not pass a signal on to its child).
  const proc = spawn(command, argv, { cwd, env: cleanEnv(env), detached: group });
  const stdout: string[] = [];
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<Exit>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const startLine = new RegExp(`^cadenza ${role} listening on (http://\\S+) \\(store .+\\)$`);
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout });
    lines.on('line', (line) => {
      stdout.push(line);
      const match = startLine.exec(line);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    void exited.then((e) =>
      reject(new Error(`cadenza ${role} exited (${e.code ?? e.signal}) before listening: ${stderr.trim()}`)),
    );
  });
  const http = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  await waitFor('readyz', async () => (await http('GET', '/readyz')).status === 200);
  return {
    proc,
    url,
    stdout,
    stderr: () => stderr,
    exited,
    http,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (group && proc.pid !== undefined) process.kill(-proc.pid, signal);
      else proc.kill(signal);
      return exited;
    },
  };
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function waitFor(
  what: string | (() => string),
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  // Real processes run on real time: a monotonic deadline, not the wall clock.
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  while (performance.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await sleep(25);
  }
  throw new Error(
    `timed out waiting for ${typeof what === 'string' ? what : what()}${last === undefined ? '' : `: ${String(last)}`}`,
  );
}

export interface JobView {
  id: string;
  name: string;
  status: string;
  attempt: number;
  result?: unknown;
  error?: { code: string; message: string };
}

/** Polls GET /v1/jobs/:id until the job has `status`; returns it. */
export async function waitForStatus(node: Cadenza, id: string, status: string, timeoutMs = 20_000): Promise<JobView> {
  let job: JobView | undefined;
  await waitFor(
    () => `job ${id} to be ${status} (last seen ${JSON.stringify(job)})`,
    async () => {
      const response = await node.http<JobView>('GET', `/v1/jobs/${encodeURIComponent(id)}`);
      job = response.body;
      return response.status === 200 && job.status === status;
    },
    timeoutMs,
  );
  if (job === undefined) throw new Error('unreachable');
  return job;
}

export async function enqueue(node: Cadenza, job: Record<string, unknown>): Promise<string> {
  const response = await node.http<{ id: string }>('POST', '/v1/jobs', job);
  if (response.status !== 201) throw new Error(`enqueue answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.id;
}
