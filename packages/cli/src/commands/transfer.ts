import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { definedOnly, realClock, type Store } from '@cadenza/core';
import type { Command } from 'commander';
import { option } from '../env.js';
import { oneLine, UsageError } from '../errors.js';
import { markRequired } from '../help.js';
import { addStoreOptions, chooseStore, type StoreFlags } from '../store-flags.js';
import { displayStore, openStore } from '../store-url.js';
import { checkFile, fileSource } from '../transfer/file-source.js';
import { refuseBusySource, refuseBusyTarget } from '../transfer/in-use.js';
import { writeExport } from '../transfer/ndjson-export.js';
import { LineError } from '../transfer/ndjson-lines.js';
import { reportLines, runTransfer, transferFailed } from '../transfer/run-transfer.js';
import { storeSource } from '../transfer/store-source.js';
import { out, withStore } from './with-store.js';

// `cadenza migrate`, `cadenza export` and `cadenza import`: a store's schedules and
// unfinished jobs copied into another store, or to and from an NDJSON file
// (docs/operations.md, "Moving to another store"). The work is in ../transfer/.

const FORMS = 'memory, sqlite:PATH, lmdb:PATH, json:PATH, snapshot:PATH or redis://HOST:PORT (any form --store takes)';

const forceOption = () => option('--force', 'go on although the store is in use (a live leader, processes reporting)');

export function registerTransfer(program: Command): void {
  const writer = `cadenza ${program.version() ?? ''}`.trim();

  const migrate = program
    .command('migrate')
    .description("copies one store's schedules and unfinished jobs into another, then verifies the copy")
    .addOption(option('--from <store>', `the store to copy: ${FORMS}`))
    .addOption(option('--to <store>', 'the store to copy into, in the same forms'))
    .addOption(option('--from-prefix <prefix>', 'key prefix of a Redis --from'))
    .addOption(option('--to-prefix <prefix>', 'key prefix of a Redis --to'))
    .addOption(forceOption());
  markRequired(migrate, '--from', '--to').action(
    async (flags: { from?: string; to?: string; fromPrefix?: string; toPrefix?: string; force?: boolean }) => {
      const fromText = required('--from', flags.from);
      const toText = required('--to', flags.to);
      if (fromText.trim() === toText.trim() && flags.fromPrefix === flags.toPrefix) {
        throw new UsageError(
          `--to: got ${JSON.stringify(displayStore(toText))}, the same store as --from; expected another store`,
        );
      }
      const force = flags.force === true;
      const now = realClock.now();
      const from = await open('--from', fromText, flags.fromPrefix, true);
      try {
        const to = await open('--to', toText, flags.toPrefix, false);
        try {
          await refuseBusySource(from, '--from', now, force);
          await refuseBusyTarget(to, '--to', now, force);
          out(`migrating ${displayStore(fromText)} → ${displayStore(toText)}`);
          const report = await storeErrors(() => runTransfer(storeSource(from), to, now, () => realClock.now()));
          for (const line of reportLines(report)) out(line);
          if (transferFailed(report)) process.exitCode = 1;
        } finally {
          await to.close();
        }
      } finally {
        await from.close();
      }
    },
  );

  addStoreOptions(
    program
      .command('export')
      .description("writes the store's schedules and unfinished jobs as NDJSON, to stdout or --out")
      .addOption(option('--out <file>', 'write to this file rather than to stdout'))
      .addOption(forceOption()),
  ).action(async (flags: StoreFlags & { out?: string; force?: boolean }) => {
    const now = realClock.now();
    await withStore(flags, async (store) => {
      await refuseBusySource(store, chooseStore(flags).flag, now, flags.force === true);
      const target = flags.out === undefined ? process.stdout : createWriteStream(flags.out);
      const counts = await writeExport(storeSource(store), target, writer, now);
      if (flags.out !== undefined) {
        await new Promise<void>((resolve, reject) =>
          target.end((error?: Error | null) => (error ? reject(error) : resolve())),
        );
      }
      // The summary goes to stderr when the export itself goes to stdout.
      const say = (text: string) => (flags.out === undefined ? process.stderr.write(`${text}\n`) : out(text));
      say(
        `exported ${counts.schedules} schedules and ${counts.jobs} jobs${counts.leftOut > 0 ? `; ${counts.leftOut} blocked behind a failed or canceled parent left out` : ''}`,
      );
    });
  });

  addStoreOptions(
    program
      .command('import')
      .description('checks an export file whole, then copies its schedules and jobs into the store and verifies them')
      .argument('[file]', 'the file cadenza export wrote; stdin when absent or -')
      .addOption(forceOption()),
  ).action(async (file: string | undefined, flags: StoreFlags & { force?: boolean }) => {
    const now = realClock.now();
    const { path, done } = await readable(file);
    try {
      try {
        await checkFile(path, now);
      } catch (error) {
        if (error instanceof LineError)
          throw new UsageError(`${file ?? 'stdin'}: ${error.message}; nothing was written`);
        throw error;
      }
      await withStore(
        flags,
        async (store) => {
          await refuseBusyTarget(store, chooseStore(flags).flag, now, flags.force === true);
          const report = await runTransfer(fileSource(path, now), store, now, () => realClock.now());
          for (const line of reportLines(report)) out(line);
          if (transferFailed(report)) process.exitCode = 1;
        },
        false,
      );
    } finally {
      done();
    }
  });
}

function required(flag: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${flag}: missing; expected a store: ${FORMS}`);
  return value;
}

/** Opens `--from` or `--to`; a refusal names that flag. */
async function open(flag: string, text: string, prefix: string | undefined, mustExist: boolean): Promise<Store> {
  try {
    return await openStore(text, { flag, mustExist, ...definedOnly({ prefix }) });
  } catch (error) {
    // The store forms are parsed as --store's; the user gave them as --from or --to.
    if (error instanceof UsageError) throw new UsageError(error.message.replace(/^--store\b/, flag), error.exitCode);
    throw error;
  }
}

/** A store's refusal during the copy (a bad field, a conflict) as one line and exit 2. */
async function storeErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new UsageError(oneLine(error), 2);
  }
}

/**
 * The file to import, as a path that can be read more than once: stdin is copied to a
 * temporary file first, as an import reads its file once to check it and again to write.
 */
async function readable(file: string | undefined): Promise<{ path: string; done: () => void }> {
  if (file !== undefined && file !== '-') return { path: file, done: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'cadenza-import-'));
  const path = join(dir, 'stdin.ndjson');
  await pipeline(process.stdin, createWriteStream(path));
  return { path, done: () => rmSync(dir, { recursive: true, force: true }) };
}
