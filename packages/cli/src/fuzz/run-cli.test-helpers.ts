import { CommanderError } from 'commander';
import { vi } from 'vitest';
import { UsageError } from '../errors.js';
import { buildProgram } from '../main.js';

/**
 * Runs `cadenza ARGS` in this process and returns the exit status `main` would give it,
 * or the exception that `main` would turn into exit 1 (an uncaught exception: a crash as
 * the user sees it). Output is swallowed.
 */
export async function runCli(args: readonly string[]): Promise<{ status: number } | { crash: unknown }> {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await buildProgram().parseAsync([...args], { from: 'user' });
    return { status: 0 };
  } catch (error) {
    if (error instanceof CommanderError) return { status: error.exitCode === 0 ? 0 : 2 };
    if (error instanceof UsageError) return { status: error.exitCode };
    return { crash: error };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
