import { type EventLog, type Logger, MemoryEventLog, type Store } from '@cadenza/core';

/**
 * The event log of a process's store: the cluster's stream when the store has one (Redis:
 * every process of the cluster writes and reads the same), else one in this process's
 * memory (local stores serve one node). A write that fails is logged, never thrown: events
 * are told after the store call they follow, best effort.
 */
export function eventLogOf(store: Store, log: Logger): EventLog {
  const onError = (error: unknown) => log.warn({ err: error }, 'events: could not append to the event log');
  return store.eventLog?.({ onError }) ?? new MemoryEventLog();
}
