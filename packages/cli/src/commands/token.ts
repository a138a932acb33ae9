import { hashToken, newToken, parseTokens } from '@cadenza/server';
import type { Command } from 'commander';
import { option } from '../env.js';
import { oneLine, UsageError } from '../errors.js';
import { markRequired } from '../help.js';

interface TokenFlags {
  name?: string;
  tenants?: string;
  scope?: string;
}

/** The flag each field of a token entry comes from, for refusals that name what the user typed. */
const FLAG_OF: Record<string, string> = { name: '--name', tenants: '--tenants', scopes: '--scope' };

/**
 * `cadenza token create --name N --tenants a,b|* --scope s[,s]`: makes a new random token and
 * prints it once, with the entry to add to the `--tokens-file` (which holds its SHA-256, never
 * the token). Nothing is written: the operator adds the line, then sends the servers SIGHUP.
 */
export function registerToken(program: Command): void {
  const token = program.command('token').description('make API tokens for --tokens-file');
  const create = token
    .command('create')
    .description('print a new token once, and the entry to add to the tokens file')
    .addOption(option('--name <name>', "the token's name, unique in the file (who holds it)"))
    .addOption(option('--tenants <list>', 'the tenants it may touch, comma-separated, or * for all'))
    .addOption(option('--scope <list>', 'read, write and/or admin, comma-separated'));
  markRequired(create, '--name', '--tenants', '--scope');
  create.action((flags: TokenFlags) => {
    const entry = checkedEntry(flags);
    const secret = newToken();
    const line = JSON.stringify({ ...entry, sha256: hashToken(secret) });
    process.stdout.write(
      `token: ${secret}\n` +
        '(shown once: give it to the client that will call the API; it is kept nowhere else)\n' +
        `add this entry to the "tokens" array of the tokens file, then send the servers SIGHUP:\n${line}\n`,
    );
  });
}

/** The entry's fields from the flags, checked as a tokens file's entry is (every flag is required). */
function checkedEntry(flags: TokenFlags): { name: string; tenants: '*' | string[]; scopes: string[] } {
  for (const [flag, value] of [
    ['--name', flags.name],
    ['--tenants', flags.tenants],
    ['--scope', flags.scope],
  ] as const) {
    if (value === undefined || value === '') throw new UsageError(`${flag}: missing; expected a value`);
  }
  const list = (text: string) => text.split(',').map((part) => part.trim());
  const entry = {
    name: flags.name as string,
    tenants: flags.tenants === '*' ? ('*' as const) : list(flags.tenants as string),
    scopes: list(flags.scope as string),
  };
  try {
    // The same checks as a tokens file's, on a stand-in hash, so a printed line is one a server reads.
    parseTokens(JSON.stringify({ tokens: [{ ...entry, sha256: '0'.repeat(64) }] }));
  } catch (error) {
    // `tokens[0].scopes[1]: got "root", …` → `--scope: got "root", …`
    const message = oneLine(error).replace(
      /^tokens\[0\]\.([a-z]+)(?:\[\d+\])?/,
      (_m, field: string) => FLAG_OF[field] ?? field,
    );
    throw new UsageError(message);
  }
  return entry;
}
