import { type DoctorFinding, type DoctorReport, realClock } from '@cadenza/core';
import type { Command } from 'commander';
import { option } from '../env.js';
import { UsageError } from '../errors.js';
import type { StoreFlags } from '../store-flags.js';
import { out, withStore } from './with-store.js';

// `cadenza doctor [--repair]`: checks the invariants the store relies on (docs/operations.md,
// "Checking a store: cadenza doctor"), one line per finding, exit 1 when there is any.

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description("checks the store's invariants: one line per finding, exit status 1 if any")
    .addOption(option('--repair', 'fix what can be fixed safely, and say what was done'))
    .action(async (flags: StoreFlags & { repair?: boolean }) => {
      const repair = flags.repair === true;
      const report = await withStore(flags, async (store) => {
        if (store.doctor === undefined) throw new UsageError('this store has no doctor');
        return store.doctor({ repair, now: realClock.now() });
      });
      for (const finding of report.findings) out(findingLine(finding));
      out(summaryLine(report, repair));
      if (report.findings.length > 0) process.exitCode = 1;
    });
}

/** `<check>  <subject>: <message>[ (repaired: <what>)]` */
export function findingLine(finding: DoctorFinding): string {
  const repaired = finding.repaired === undefined ? '' : ` (repaired: ${finding.repaired})`;
  return `${finding.check.padEnd(12)} ${finding.subject}: ${finding.message}${repaired}`;
}

export function summaryLine(report: DoctorReport, repair: boolean): string {
  const { tenants, jobs, schedules } = report.checked;
  const read = `${tenants} ${plural(tenants, 'tenant')}, ${jobs} ${plural(jobs, 'job')}, ${schedules} ${plural(schedules, 'schedule')}`;
  const count = report.findings.length;
  if (count === 0) return `no findings (checked ${read})`;
  const fixed = report.findings.filter((f) => f.repaired !== undefined).length;
  const tail = repair ? `, ${fixed} repaired` : '; --repair fixes what can be fixed safely';
  return `${count} ${plural(count, 'finding')} (checked ${read})${tail}`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
