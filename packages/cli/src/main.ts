import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAdmin } from './commands/admin.js';
import { registerCoordinator } from './commands/coordinator.js';
import { registerDev } from './commands/dev.js';
import { registerServer } from './commands/server.js';
import { registerToken } from './commands/token.js';
import { registerTransfer } from './commands/transfer.js';
import { registerWorker } from './commands/worker.js';
import { oneLine, UsageError } from './errors.js';
import { HELP } from './help.js';

export function buildProgram(): Command {
  const program = new Command('cadenza')
    .description(
      'distributed job scheduler: `cadenza dev` runs one node; `worker`, `coordinator` and `server` run a cluster on Redis; admin verbs inspect a store',
    )
    .showSuggestionAfterError()
    .enablePositionalOptions()
    .version(version(), '-v, --version')
    .configureHelp(HELP) // before the commands: each inherits it
    .exitOverride();
  registerDev(program);
  registerWorker(program);
  registerCoordinator(program);
  registerServer(program);
  registerAdmin(program);
  registerToken(program);
  registerTransfer(program);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/**
 * Runs the `cadenza` command line. A fault the user can fix (a bad flag, a store that
 * cannot be opened, a bad handlers file) is one line on stderr and exit status 2.
 * Long-running commands (`dev`, `worker`, `coordinator`, `server`) keep the process alive after this resolves.
 */
export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed its one-line message (or the help) already. Asked-for help and the
      // version exit 0; anything else (an unknown flag, a missing command) is a usage error.
      process.exit(error.exitCode === 0 ? 0 : 2);
    }
    const code = error instanceof UsageError ? error.exitCode : 1;
    process.stderr.write(`cadenza: ${oneLine(error)}\n`);
    process.exit(code);
  }
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
