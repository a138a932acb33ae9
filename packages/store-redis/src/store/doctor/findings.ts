import type { DoctorCheck, DoctorFinding } from '@cadenza/core';

/**
 * What one doctor run found, in the order found. A finding is added once it has been
 * confirmed (see doctor.ts); `repair` then says what was done about it.
 */
export class Findings {
  readonly list: DoctorFinding[] = [];

  add(check: DoctorCheck, subject: string, message: string): DoctorFinding {
    const finding: DoctorFinding = { check, subject, message };
    this.list.push(finding);
    return finding;
  }
}

/** Marks `finding` repaired with `what` when `done`, else leaves it as found. */
export function repaired(finding: DoctorFinding, done: boolean, what: string): void {
  if (done) finding.repaired = what;
}
