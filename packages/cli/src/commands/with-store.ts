import { isCadenzaError, type Store, silentLogger, withEvents } from '@cadenza/core';
import { oneLine, UsageError } from '../errors.js';
import { eventLogOf } from '../event-log.js';
import { chooseStore, type StoreFlags } from '../store-flags.js';
import { openStore } from '../store-url.js';

// What every admin verb does around its work: open the store it was given, close it after.

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export async function withStore<T>(flags: StoreFlags, run: (store: Store) => Promise<T>, reading = true): Promise<T> {
  const { text, ...options } = chooseStore(flags);
  const opened = await openStore(text, { ...options, mustExist: reading });
  // What an admin verb writes (enqueue) is told to the cluster's events like any other write.
  const events = eventLogOf(opened, silentLogger());
  const store = withEvents(opened, events);
  try {
    return await run(store);
  } catch (error) {
    // A refused request (bad field, unknown id) is the user's to fix: one line, exit 2 (1 for not_found).
    if (isCadenzaError(error)) throw new UsageError(oneLine(error), error.code === 'not_found' ? 1 : 2);
    throw error;
  } finally {
    await events.close();
    await store.close();
  }
}
