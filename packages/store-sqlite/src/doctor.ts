import type { DoctorFinding, DoctorOptions, DoctorReport } from '@cadenza/core';
import { scheduleFireProblem } from '@cadenza/core/store-kit';
import type { Ctx } from './context.js';
import { jobCandidates, readJobChunk } from './doctor-jobs.js';
import { type Candidate, CHUNK, type Chunk, confirm, scan } from './doctor-scan.js';
import {
  edgeChunk,
  FIRST_BAND,
  pastAttemptChunk,
  pendingChunk,
  ringChunk,
  strangerCandidates,
  tagChunk,
  turnCandidates,
  waitingBandsChunk,
} from './doctor-tables.js';
import { loadSchedule } from './schedule-rows.js';
import type { Transactions } from './transactions.js';

/**
 * The SQLite store's `doctor`. What SQLite keeps itself (indexes, unique keys: an
 * idempotency key lives on its job's row, so it cannot name a missing job) is not
 * checked; what cadenza derives by hand is: job_tags, job_deps and past_attempts (each
 * row of a kept job) from the job rows, the
 * lease columns and status columns, pending_parents, the ring and turns, schedules'
 * next fires, and the one sequence every place in line is taken from. There are no
 * counts kept (depths are counted by SQL) and no tenant registry (`tenants` does not apply).
 *
 * Each table is read a chunk at a time (doctor-scan.ts), and every finding is read again
 * on its own, in one transaction with its repair, before it is reported.
 */
export async function runDoctor(tx: Transactions, options: DoctorOptions): Promise<DoctorReport> {
  const { repair, now } = options;
  const findings: DoctorFinding[] = [];
  const report = (candidate: Candidate) => {
    const finding = confirm(tx, candidate, repair);
    if (finding !== undefined) findings.push(finding);
  };
  const tenants = new Set<string>();
  const seen = { maxSeq: 0, jobs: 0, schedules: 0 };

  await scan(tx, 0, (c, from) => jobChunk(c, from, tenants, seen), report);
  await scan(tx, ['', ''] as [string, string], (c, from) => scheduleChunk(c, from, now, tenants, seen), report);
  await scan(tx, FIRST_BAND, (c, from) => ringChunk(c, from, seen), report);
  await scan(tx, FIRST_BAND, waitingBandsChunk, report);
  await scan(tx, 0, (c, from) => pendingChunk(c, from, seen), report);
  await scan(tx, 0, edgeChunk, report);
  await scan(tx, ['', ''] as [string, string], tagChunk, report);
  await scan(tx, 0, pastAttemptChunk, report);
  for (const candidate of tx.read((c) => [...turnCandidates(c), ...strangerCandidates(c)])) report(candidate);
  report(sequenceCandidate(seen.maxSeq));

  return { findings, checked: { tenants: tenants.size, jobs: seen.jobs, schedules: seen.schedules } };
}

function jobChunk(c: Ctx, from: number, tenants: Set<string>, seen: { maxSeq: number; jobs: number }): Chunk<number> {
  const facts = readJobChunk(c, from, CHUNK);
  for (const f of facts) {
    tenants.add(f.row.tenant);
    seen.maxSeq = Math.max(seen.maxSeq, f.row.qseq);
  }
  seen.jobs += facts.length;
  const last = facts[facts.length - 1];
  return { candidates: facts.flatMap(jobCandidates), next: facts.length < CHUNK ? undefined : last?.row.rid };
}

/** Schedules by key: each `nextFireAt` must pass core's scheduleFireProblem. */
function scheduleChunk(
  c: Ctx,
  from: [string, string],
  now: number,
  tenants: Set<string>,
  seen: { maxSeq: number; schedules: number },
): Chunk<[string, string]> {
  const rows = c
    .sql('SELECT tenant, id, due_seq FROM schedules WHERE (tenant, id) > (?, ?) ORDER BY tenant, id LIMIT ?')
    .all(...from, CHUNK) as { tenant: string; id: string; due_seq: number }[];
  const candidates: Candidate[] = [];
  for (const { tenant, id, due_seq } of rows) {
    tenants.add(tenant);
    seen.maxSeq = Math.max(seen.maxSeq, due_seq);
    const schedule = loadSchedule(c, tenant, id);
    if (schedule === undefined || scheduleFireProblem(schedule, now) === undefined) continue;
    const problemNow = (c2: Ctx) => {
      const current = loadSchedule(c2, tenant, id);
      return current === undefined ? undefined : scheduleFireProblem(current, now);
    };
    candidates.push({
      check: 'schedules',
      subject: `${tenant}/${id}`,
      recheck: (c2) => problemNow(c2)?.message,
      fix: (c2) => {
        const next = problemNow(c2)?.nextFireAt;
        // A fresh due_seq files it behind schedules set earlier for the same instant, as putSchedule does.
        c2.sql('UPDATE schedules SET next_fire_at = ?, due_seq = ? WHERE tenant = ? AND id = ?').run(
          next ?? null,
          c2.nextSeq(),
          tenant,
          id,
        );
        return next === undefined ? 'nextFireAt cleared' : `nextFireAt set to ${new Date(next).toISOString()}`;
      },
    });
  }
  seen.schedules += rows.length;
  const last = rows[rows.length - 1];
  return { candidates, next: rows.length < CHUNK || last === undefined ? undefined : [last.tenant, last.id] };
}

/**
 * Places in line, ring positions and due ties all come from the `seq` counter, so it must
 * be past every value in use: behind, a job entering waiting would queue ahead of older
 * ones. Values only grow, so one seen in use by the scans stays a floor.
 */
function sequenceCandidate(inUse: number): Candidate {
  const value = (c: Ctx) =>
    (c.sql("SELECT value FROM counters WHERE name = 'seq'").get() as { value: number } | undefined)?.value;
  return {
    check: 'counts',
    subject: 'counters/seq',
    recheck: (c) => {
      const at = value(c);
      if (at === undefined) return `the sequence is missing, though ${inUse} is in use`;
      return at < inUse ? `the sequence is at ${at}, but ${inUse} is in use` : undefined;
    },
    fix: (c) => {
      c.sql(
        "INSERT INTO counters (name, value) VALUES ('seq', ?) ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
      ).run(inUse);
      return `set to ${inUse}`;
    },
  };
}
