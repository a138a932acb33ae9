import { isFinalStatus, type Job } from '../model/job.js';
import { verdictOf } from '../store/support/dependencies.js';
import type { Gate } from '../store/support/gates.js';
import type { Findings, Problem } from './doctor-findings.js';
import { iso } from './doctor-jobs.js';
import { uniqueKeysOf } from './job-table.js';
import type { MemoryState } from './state.js';

/*
 * `doctor` for what links jobs to each other and to shared limits: units held of the
 * resource gates, the children index and the parents waiting to release them, and the
 * unique keys (idempotency keys, schedule fires) that name the job holding them.
 */

/** Units held of each gate are those the active jobs need (import recounts them the same way). */
export function checkGates(state: MemoryState, findings: Findings): void {
  const { gates } = state.holdings;
  const stored = new Map<Gate, number>();
  for (const job of state.jobs.values()) {
    if (job.status !== 'active') continue;
    for (const [gate, units] of gates.needs(job)) stored.set(gate, (stored.get(gate) ?? 0) + units);
  }
  const kept = state.holdings.heldUnits();
  const problems: Problem[] = [];
  for (const gate of new Set([...stored.keys(), ...kept.keys()])) {
    const [k, n] = [kept.get(gate) ?? 0, stored.get(gate) ?? 0];
    if (k !== n) problems.push({ subject: gateName(gate), message: `${k} units held, but its active jobs hold ${n}` });
  }
  // The jobs are active already, so recounting only restates what they hold: it starts nothing.
  const rebuild = () => state.holdings.restore(state.jobs.values());
  findings.addRebuilt('gates', problems, rebuild, 'set to what the active jobs hold');
}

function gateName(gate: Gate): string {
  if (gate.startsWith('r:')) return `resource ${gate.slice(2)}`;
  if (gate.startsWith('n:')) return `job name ${gate.slice(2)}`;
  return gate;
}

/** Children and parents agree, ended parents are queued to release their blocked children. */
export function checkDependencies(state: MemoryState, findings: Findings): void {
  checkChildren(state, findings);
  for (const [id] of [...state.pendingParents]) {
    const job = state.jobs.get(id);
    if (job !== undefined && isFinalStatus(job.status)) continue;
    const why = job === undefined ? 'no such job is kept' : `the job is ${job.status}`;
    // Safe: releasing a parent that has not ended leaves its children blocked anyway.
    findings.add('dependencies', { subject: id, message: `queued to release its children, but ${why}` }, () => {
      state.pendingParents.delete(id);
      return 'dropped from the queue';
    });
  }
  const statusOf = (id: string) => state.jobs.get(id)?.status;
  for (const job of state.jobs.values()) {
    if (job.status !== 'blocked' || verdictOf(job.dependsOn, statusOf).kind === 'blocked') continue;
    const ended = job.dependsOn
      .map((id) => state.jobs.get(id))
      .filter((p): p is Job => p !== undefined && isFinalStatus(p.status));
    if (ended.some((parent) => state.pendingParents.has(parent.id))) continue; // released on the next tick
    const message = 'blocked, though its parents have ended, and none is queued to release it';
    // With no parent kept there is nothing to queue: deciding its fate by hand is a guess.
    const fix =
      ended.length === 0
        ? undefined
        : () => {
            for (const parent of ended) state.pendingParents.set(parent.id, parent.finishedAt ?? parent.createdAt);
            return `parents queued to release it: ${ended.map((p) => p.id).join(', ')}`;
          };
    findings.add('dependencies', { subject: job.id, message }, fix);
  }
}

/** Each kept job is a child of every kept parent it names, and of nothing else. */
function checkChildren(state: MemoryState, findings: Findings): void {
  const expected = new Set<string>();
  for (const job of state.jobs.values()) {
    for (const parent of job.dependsOn) if (state.jobs.get(parent) !== undefined) expected.add(edge(parent, job.id));
  }
  const problems: Problem[] = [];
  const filed = new Set<string>();
  for (const [parent, children] of state.jobs.childEntries()) {
    for (const child of children) {
      filed.add(edge(parent, child));
      if (expected.has(edge(parent, child))) continue;
      const job = state.jobs.get(child);
      const why =
        state.jobs.get(parent) === undefined
          ? `${parent} is not kept`
          : job === undefined
            ? 'no such job is kept'
            : 'it does not depend on it';
      problems.push({ subject: child, message: `listed as a child of ${parent}, but ${why}` });
    }
  }
  for (const key of expected) {
    if (filed.has(key)) continue;
    const [parent, child] = key.split('\u0000') as [string, string];
    problems.push({
      subject: child,
      message: `depends on ${parent} but is not listed as its child, so it is not released`,
    });
  }
  const done = 'children index rebuilt from the job records';
  findings.addRebuilt('dependencies', problems, () => state.jobs.rebuildChildren(), done);
}

function edge(parent: string, child: string): string {
  return `${parent}\u0000${child}`;
}

/** Every unique key names a kept job holding it; every key a job holds is filed. */
export function checkUniqueKeys(state: MemoryState, findings: Findings): void {
  const holds = (job: Job | undefined, key: string) => job !== undefined && uniqueKeysOf(job).includes(key);
  for (const [key, id] of state.jobs.uniqueEntries()) {
    const job = state.jobs.get(id);
    if (holds(job, key)) continue;
    const why = job === undefined ? 'which is not kept' : 'which does not hold it';
    // Safe: a key naming no holder only refuses (or misreports) a new job with that key.
    findings.add('idempotency', { subject: describeKey(key), message: `names job ${id}, ${why}` }, () => {
      state.jobs.dropUnique(key);
      return 'dropped';
    });
  }
  for (const job of state.jobs.values()) {
    for (const key of uniqueKeysOf(job)) {
      const holder = state.jobs.holderOf(key);
      if (holder === job) continue;
      const subject = describeKey(key);
      if (holds(holder, key) && holder !== undefined) {
        // Two jobs hold one key: which one the key should name is not ours to pick.
        findings.add('idempotency', { subject, message: `held by jobs ${holder.id} and ${job.id}` });
      } else {
        const message = `job ${job.id} holds it, but it is not filed, so a second job with it would be created`;
        findings.add('idempotency', { subject, message }, () => {
          state.jobs.setUnique(key, job.id);
          return `filed under job ${job.id}`;
        });
      }
    }
  }
}

/** A unique key (job-table.ts) in words: `acme/idempotency key "k"`, `acme/digest fire at …`. */
function describeKey(key: string): string {
  const [kind, tenant, first, second] = key.split('\u0000');
  if (kind === 'i') return `${tenant}/idempotency key ${JSON.stringify(first)}`;
  return `${tenant}/${first} fire at ${iso(Number(second))}`;
}
