import type { Command, Help, Option } from 'commander';

// How `--help` shows a flag: `--redis <url> (required)` when the command cannot run without
// it, then its description followed by its default and its environment variable, each once.
// Commander's own rendering quotes string defaults and has no mark for a flag that is
// required but checked by the command itself.

const REQUIRED = new WeakSet<Option>();

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
    return isRequired(option) ? `${option.flags} (required)` : option.flags;
  },

  optionDescription(option: Option): string {
    const extra: string[] = [];
    const fallback = shownDefault(option);
    if (fallback !== undefined) extra.push(`default: ${fallback}`);
    if (option.envVar !== undefined) extra.push(`env: ${option.envVar}`);
    return extra.length === 0 ? option.description : `${option.description} (${extra.join('; ')})`;
  },

  /** `cadenza worker --redis <url> --handlers <file> [options]`: the required flags up front. */
  commandUsage(command: Command): string {
    const names: string[] = [];
    for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
    const required = command.options.filter(isRequired).map((o) => o.flags);
    return [...names, ...required, command.usage()].join(' ');
  },
};
