import type { Command } from 'commander';
import { buildProgram } from './main.js';

/** Every command and subcommand of `cadenza`, by its path (`jobs show`). */
export function commandsByPath(): Map<string, Command> {
  const all = new Map<string, Command>();
  const visit = (command: Command, path: string) => {
    for (const sub of command.commands) {
      const name = path === '' ? sub.name() : `${path} ${sub.name()}`;
      all.set(name, sub);
      visit(sub, name);
    }
  };
  visit(buildProgram(), '');
  return all;
}

/** The long names of a command's flags, without `--help`. */
export function flagsOf(command: Command): string[] {
  return command.options.flatMap((o) => (o.long === undefined || o.long === '--help' ? [] : [o.long]));
}
