import type { Command, Help, Option } from 'commander';

// How `--help` shows a flag: `--handlers <file> (required)` when the command cannot run
// without it, `--redis <url> (one required)` when it needs one flag of a group, then its
// description followed by its default and its environment variable, each once. Commander's
// own rendering quotes string defaults and has no mark for a flag that is required but
// checked by the command itself.

const REQUIRED = new WeakSet<Option>();
/** Each flag of a group of which exactly one is required, and its whole group. */
const ONE_OF = new WeakMap<Option, readonly Option[]>();

/**
 * Marks flags of `command` as required in its help and usage line. The command still checks
 * them itself (rather than through Commander's mandatory options), so that a missing one
 * is refused with a message naming the form it expects.
 */
export function markRequired(command: Command, ...longs: string[]): Command {
  for (const long of longs) {
    const found = command.options.find((o) => o.long === long);
    if (found === undefined) throw new Error(`cadenza ${command.name()}: no flag ${long} to mark required`);
    REQUIRED.add(found);
  }
  return command;
}

export function isRequired(option: Option): boolean {
  return REQUIRED.has(option);
}

/**
 * Marks flags of `command` of which it needs exactly one (`--redis`, `--redis-cluster`,
 * `--redis-sentinel`): each is shown `(one required)`, and the usage line names them as
 * alternatives. As with `markRequired`, the command checks them itself.
 */
export function markOneRequired(command: Command, ...longs: string[]): Command {
  const group = longs.map((long) => {
    const found = command.options.find((o) => o.long === long);
    if (found === undefined) throw new Error(`cadenza ${command.name()}: no flag ${long} to mark required`);
    return found;
  });
  for (const option of group) ONE_OF.set(option, group);
  return command;
}

/**
 * Shows `text` as the default of a flag whose default the command works out itself
 * (`HOST:PID`, a store chosen between two flags): help states it, parsing leaves the flag unset.
 */
export function showDefault(option: Option, text: string): Option {
  option.defaultValueDescription = text;
  return option;
}

/** The default as help shows it: the stated one, else the value itself, unquoted. */
function shownDefault(option: Option): string | undefined {
  if (option.defaultValueDescription !== undefined) return option.defaultValueDescription;
  return option.defaultValue === undefined ? undefined : String(option.defaultValue);
}

/** Overrides of Commander's help, given to every command by `configureHelp` on the program. */
export const HELP: Partial<Help> = {
  optionTerm(option: Option): string {
    if (isRequired(option)) return `${option.flags} (required)`;
    return ONE_OF.has(option) ? `${option.flags} (one required)` : option.flags;
  },

  optionDescription(option: Option): string {
    const extra: string[] = [];
    const fallback = shownDefault(option);
    if (fallback !== undefined) extra.push(`default: ${fallback}`);
    if (option.envVar !== undefined) extra.push(`env: ${option.envVar}`);
    return extra.length === 0 ? option.description : `${option.description} (${extra.join('; ')})`;
  },

  /**
   * `cadenza worker (--redis <url> | --redis-cluster <urls> | --redis-sentinel <urls>)
   * --handlers <file> [options]`: the required flags up front, in the order they were added.
   */
  commandUsage(command: Command): string {
    const names: string[] = [];
    for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
    const required: string[] = [];
    for (const option of command.options) {
      const group = ONE_OF.get(option);
      if (isRequired(option)) required.push(option.flags);
      else if (group?.[0] === option) required.push(`(${group.map((o) => o.flags).join(' | ')})`);
    }
    return [...names, ...required, command.usage()].join(' ');
  },
};
