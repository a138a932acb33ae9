import type { DoctorCheck, DoctorFinding } from '../store/store.js';

/** What is wrong with one subject, before any repair. */
export interface Problem {
  subject: string;
  message: string;
}

/**
 * The findings of one `doctor` run, and the repairs that go with them. A fix runs only
 * with `repair`, right after its finding is recorded, and what it answers is the
 * finding's `repaired`; a finding given no fix is reported only (its fix would be a guess).
 */
export class Findings {
  readonly list: DoctorFinding[] = [];

  constructor(readonly repair: boolean) {}

  /** One finding, fixed on its own by `fix` (which says what it did). */
  add(check: DoctorCheck, problem: Problem, fix?: () => string): void {
    const finding: DoctorFinding = { check, subject: problem.subject, message: problem.message };
    if (this.repair && fix !== undefined) finding.repaired = fix();
    this.list.push(finding);
  }

  /**
   * Findings that one rebuild fixes together (an index rebuilt from the records): the
   * rebuild runs once, after all of them are recorded, and each says `done`.
   */
  addRebuilt(check: DoctorCheck, problems: readonly Problem[], rebuild: () => void, done: string): void {
    if (problems.length === 0) return;
    const findings = problems.map((p): DoctorFinding => ({ check, subject: p.subject, message: p.message }));
    if (this.repair) {
      rebuild();
      for (const finding of findings) finding.repaired = done;
    }
    this.list.push(...findings);
  }
}
