import { invalidArgument } from '../../errors.js';
import type { Job } from '../../model/job.js';
import type { Settlement } from '../store.js';
import { checkInstant } from './arguments.js';

const OUTCOMES = ['succeeded', 'failed', 'released'];

/**
 * For store implementations: the shape checks of a `settle` batch, all made before any
 * settlement applies, so that a bad entry refuses the whole batch and writes nothing.
 */
export function checkSettlements(settlements: readonly Settlement[]): void {
  if (!Array.isArray(settlements)) throw invalidArgument('settlements', settlements, 'an array of settlements');
  for (let i = 0; i < settlements.length; i++) checkSettlement(settlements[i] as Settlement, i);
}

/** Checks one settlement; the field's path is built only for an error (this runs per job). */
function checkSettlement(settlement: Settlement, index: number): void {
  const { outcome } = settlement;
  if (outcome === 'succeeded' || outcome === 'released') return;
  if (outcome !== 'failed') {
    throw invalidArgument(`settlements.${index}.outcome`, outcome as unknown, OUTCOMES.join(', '));
  }
  const error = settlement.error as unknown;
  if (typeof error !== 'object' || error === null || typeof settlement.error.code !== 'string') {
    throw invalidArgument(`settlements.${index}.error`, error, 'an error with a code and a message');
  }
  if (settlement.retryAt !== undefined) checkInstant(`settlements.${index}.retryAt`, settlement.retryAt);
}

/** Where a settled job goes next; the store moves it there (and updates its indexes). */
export type SettlementMove =
  | { to: 'final'; status: 'succeeded' | 'failed' }
  | { to: 'delayed'; runAt: number }
  | { to: 'waiting' };

/**
 * What a settlement does to the job it holds the lease of. Sets the row's fields except
 * `result` (a store may copy it: the memory store keeps no reference to caller objects)
 * and answers where the job goes. The store does not second-guess a `retryAt`: the worker
 * decided from `maxAttempts` and the backoff that another attempt is due.
 *
 * - succeeded: final; an earlier attempt's error is cleared.
 * - failed + retryAt: delayed until `retryAt` (waiting at once when it has come), error kept.
 * - failed: final, with its error.
 * - released: waiting again and the attempt given back (graceful shutdown).
 */
export function settlementMove(job: Job, settlement: Settlement, now: number): SettlementMove {
  switch (settlement.outcome) {
    case 'succeeded':
      job.error = undefined;
      job.lease = undefined;
      return { to: 'final', status: 'succeeded' };
    case 'failed':
      job.error = { code: settlement.error.code, message: String(settlement.error.message) };
      if (settlement.retryAt === undefined) {
        job.lease = undefined;
        return { to: 'final', status: 'failed' };
      }
      return settlement.retryAt > now ? { to: 'delayed', runAt: settlement.retryAt } : { to: 'waiting' };
    case 'released':
      job.attempt = Math.max(0, job.attempt - 1);
      // The attempt never happened, as far as the job's record goes.
      if (job.attempt === 0) job.startedAt = undefined;
      return { to: 'waiting' };
  }
}
