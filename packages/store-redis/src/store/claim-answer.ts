import type { ClaimedJob } from '@cadenza/core';
import { decodeRecord } from './record.js';

/** A claim answer (claim.lua, claim-parked.lua: `claim_reply` in lua/includes/claiming.lua), decoded. */
export interface ClaimAnswer {
  /** Waiting jobs left in the band's stream (the whole count for a limited tenant). */
  left: number;
  /** A limit held the tenant to fewer jobs than asked: asking it again in this call is pointless. */
  limited: boolean;
  /** Jobs parked in the band, waiting for gates. */
  parked: number;
  /** Entries read from the stream (claimed or parked). */
  read: number;
  /** Offered parked jobs (claim.lua) or holds not used (claim-parked.lua): [local id, needs]. */
  pairs: [string, string][];
  jobs: ClaimedJob[];
}

/**
 * A claim answer from its reply: `{ left, limited, parked, read, N, N pairs (offered parked
 * jobs, or holds not used), then id, record, id, record, … }`. A missing reply reads as an
 * empty answer.
 */
export function decodeClaimAnswer(tenant: string, answer: readonly unknown[] | undefined): ClaimAnswer {
  if (answer === undefined) return { left: 0, limited: false, parked: 0, read: 0, pairs: [], jobs: [] };
  const pairs: [string, string][] = [];
  const n = Number(answer[4] ?? 0);
  for (let j = 5; j < 5 + 2 * n; j += 2) pairs.push([String(answer[j]), String(answer[j + 1])]);
  const jobs: ClaimedJob[] = [];
  for (let j = 5 + 2 * n; j + 1 < answer.length; j += 2) {
    jobs.push(decodeRecord(tenant, String(answer[j]), String(answer[j + 1])) as ClaimedJob);
  }
  return {
    left: Number(answer[0]),
    limited: Number(answer[1]) === 1,
    parked: Number(answer[2]),
    read: Number(answer[3]),
    pairs,
    jobs,
  };
}
