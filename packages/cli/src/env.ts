import { Option } from 'commander';

/**
 * Every flag has an environment variable: `CADENZA_` + the flag's long name in upper snake
 * case (`--log-level` → `CADENZA_LOG_LEVEL`). Commander reads it when the flag is absent,
 * so a flag on the command line always wins over the environment.
 */
export function envName(flags: string): string {
  const long = /--([a-z0-9-]+)/.exec(flags)?.[1];
  if (long === undefined) throw new Error(`flag without a long name: ${flags}`);
  return `CADENZA_${long.replaceAll('-', '_').toUpperCase()}`;
}

/** An option whose environment variable is named after it; its help text names the variable. */
export function option(flags: string, description: string): Option {
  return new Option(flags, description).env(envName(flags));
}
