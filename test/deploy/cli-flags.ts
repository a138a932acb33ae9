// The `cadenza` command line as the deploy files may use it: each long-running command's
// flags and environment variables, read from the CLI's own program (buildProgram), so that
// a deploy file naming a flag the CLI does not take, or a variable it does not map, fails.
import { buildProgram } from '@cadenza/cli';
import { METRICS } from '@cadenza/server';

type Command = ReturnType<typeof buildProgram>;
type Option = Command['options'][number];

/** The commands a deployment runs for a long time. */
export const PROCESS_COMMANDS = ['dev', 'worker', 'coordinator', 'server'] as const;
export type ProcessCommand = (typeof PROCESS_COMMANDS)[number];

const program = buildProgram();

function commandNamed(name: string): Command | undefined {
  return program.commands.find((c) => c.name() === name);
}

function optionsOf(name: string): Option[] {
  return (commandNamed(name)?.options ?? []).filter((o) => o.long !== undefined && o.long !== '--help');
}

/** Every environment variable some long-running command maps to a flag. */
export function processEnvNames(): Set<string> {
  return new Set(PROCESS_COMMANDS.flatMap((c) => optionsOf(c).flatMap((o) => (o.envVar ? [o.envVar] : []))));
}

/** The environment variables `command` maps to its flags. */
export function envNamesOf(command: string): Set<string> {
  return new Set(optionsOf(command).flatMap((o) => (o.envVar ? [o.envVar] : [])));
}

export interface Invocation {
  command: string;
  /** Flag (long name) → its value (`true` for a flag that takes none). */
  flags: Map<string, string | true>;
  /** What the CLI would refuse: an unknown command or flag, a missing value, a stray word. */
  problems: string[];
}

/**
 * Reads `cadenza` arguments (without the program name) as the CLI would: the command, then
 * `--flag value`, `--flag=value` or a flag that takes no value.
 */
export function parseInvocation(args: readonly string[]): Invocation {
  const [command = '', ...rest] = args;
  const flags = new Map<string, string | true>();
  const problems: string[] = [];
  if (!(PROCESS_COMMANDS as readonly string[]).includes(command)) {
    return { command, flags, problems: [`${command}: not a long-running cadenza command`] };
  }
  const options = optionsOf(command);
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] ?? '';
    const [long = '', inline] = word.startsWith('--') ? word.split(/=(.*)/s, 2) : [word];
    const option = options.find((o) => o.long === long);
    if (option === undefined) {
      problems.push(`cadenza ${command}: ${word} is not a flag it takes`);
      continue;
    }
    const takesValue = option.required || option.optional;
    if (!takesValue) {
      if (inline !== undefined) problems.push(`cadenza ${command}: ${long} takes no value`);
      flags.set(long, true);
      continue;
    }
    const value = inline ?? rest[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      problems.push(`cadenza ${command}: ${long} needs a value`);
      continue;
    }
    flags.set(long, value);
  }
  return { command, flags, problems };
}

/** The CLI's default for a flag of `command` (as a string), undefined when it has none. */
export function defaultOf(command: string, long: string): string | undefined {
  const value = optionsOf(command).find((o) => o.long === long)?.defaultValue as unknown;
  return value === undefined ? undefined : String(value);
}

/**
 * What a process is given for `long`: its flag, else its variable, else the CLI's default.
 * `env` holds the process's environment variables (values that are not plain text, such as a
 * Kubernetes secret reference, as undefined).
 */
export function settingOf(
  invocation: Invocation,
  env: Record<string, string | undefined>,
  long: string,
): string | undefined {
  const flag = invocation.flags.get(long);
  if (typeof flag === 'string') return flag;
  const variable = optionsOf(invocation.command).find((o) => o.long === long)?.envVar;
  const fromEnv = variable === undefined ? undefined : env[variable];
  return fromEnv ?? defaultOf(invocation.command, long);
}

/**
 * How long a process may take to stop after SIGTERM, in ms: a worker's (or dev's)
 * `--shutdown-timeout-ms`, or the worker's default for the commands without that flag (a
 * coordinator hands over its lease and a server finishes its requests well within it).
 */
export function shutdownTimeoutMs(invocation: Invocation, env: Record<string, string | undefined>): number {
  const own = settingOf(invocation, env, '--shutdown-timeout-ms');
  return Number(own ?? defaultOf('worker', '--shutdown-timeout-ms'));
}

/** Metric name → its label names, as the code registers them (packages/server/src/metrics/catalog.ts). */
export const REGISTERED_METRICS = new Map<string, readonly string[]>(
  Object.values(METRICS).map((m) => [m.name, m.labelNames]),
);

/**
 * What a PromQL query asks of cadenza's metrics that the code does not register: a name, or
 * a label matched on it (`name{label="…"}`), that it lacks.
 */
export function unregisteredInQuery(query: string): string[] {
  const problems: string[] = [];
  const used = [...query.matchAll(/\b(cadenza_[a-z0-9_]+)(\{([^}]*)\})?/g)];
  if (used.length === 0) problems.push(`${query}: names no cadenza metric`);
  for (const [, name = '', , matchers = ''] of used) {
    const family = REGISTERED_METRICS.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    const labels = REGISTERED_METRICS.get(family);
    if (labels === undefined) {
      problems.push(`${name}: not a metric cadenza registers`);
      continue;
    }
    for (const [, label = ''] of matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!=|!~|=)/g)) {
      if (!labels.includes(label) && label !== 'le') problems.push(`${name}: has no label ${label}`);
    }
  }
  return problems;
}
