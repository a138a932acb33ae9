// packages/cli/README.md documents every flag of every command in its tables; this test
// keeps the tables and the commands' options in step: the same flags, each with its
// environment variable and its default.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commandsByPath, flagsOf } from './commands.test-helpers.js';
import { envName } from './env.js';
import { flagRows } from './readme-flags.test-helpers.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const rows = flagRows(README);
// A command that only groups others (`token`) has no flags, so no table.
const commands = new Map([...commandsByPath()].filter(([, command]) => flagsOf(command).length > 0));

/** The README's row for each flag of each command. */
function documented(): Map<string, Map<string, (typeof rows)[number]>> {
  const byCommand = new Map<string, Map<string, (typeof rows)[number]>>();
  for (const row of rows) {
    for (const command of row.commands) {
      const flags = byCommand.get(command) ?? new Map();
      for (const flag of row.flags) {
        if (flags.has(flag)) throw new Error(`README: ${command} ${flag} is in two rows`);
        flags.set(flag, row);
      }
      byCommand.set(command, flags);
    }
  }
  return byCommand;
}

describe('the flag tables of packages/cli/README.md', () => {
  const tables = documented();

  it('are found, and name only commands that exist', () => {
    expect(rows.length).toBeGreaterThan(40);
    expect([...tables.keys()].sort()).toEqual([...commands.keys()].sort());
  });

  for (const [path, command] of commands) {
    it(`list exactly the flags of cadenza ${path}`, () => {
      expect([...(tables.get(path)?.keys() ?? [])].sort()).toEqual(flagsOf(command).sort());
    });

    it(`give each flag of cadenza ${path} its default`, () => {
      for (const option of command.options) {
        if (option.defaultValue === undefined || option.long === undefined) continue;
        const row = tables.get(path)?.get(option.long);
        expect(row?.defaults, `${path} ${option.long}`).toContain(`\`${String(option.defaultValue)}\``);
      }
    });
  }

  it('give each flag its environment variable', () => {
    for (const row of rows) {
      expect(row.envs, `## ${row.section}: ${row.flags.join(', ')}`).toEqual(row.flags.map((f) => envName(f)));
    }
  });
});
