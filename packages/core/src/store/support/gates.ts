import { invalidArgument } from '../../errors.js';
import type { NewJob } from '../../model/job.js';

/**
 * Cluster-wide capacities, enforced by the store at claim time across every worker (and
 * every tenant): named resources (`{ gpu: 2, db: 10 }`) that jobs claim units of with
 * `resources: { gpu: 1 }`, and a most-at-once per job name (`{ 'report.build': 2 }`).
 * A job starts only when every gate it needs has room; until then it waits (still
 * `waiting`) while the jobs behind it go on, and it gives its units back when it stops being
 * active: settled, canceled, released, or taken back after its lease expired.
 *
 * A resource no capacity is given for does not limit (a job may declare what only some
 * deployments count).
 */
export interface ResourceLimits {
  /** Units of each named resource that active jobs may hold at once. */
  resources?: Record<string, number>;
  /** Jobs of each name that may be active at once. */
  jobConcurrency?: Record<string, number>;
}

/**
 * One thing a job waits for: `r:<resource>` or `n:<job name>`. The two kinds share one
 * table of holdings, so a store keeps one count per gate.
 */
export type Gate = string;

/** What a job needs to start: units per gate (only gates with a capacity). */
export type GateNeeds = ReadonlyArray<readonly [gate: Gate, units: number]>;

/** The capacities, checked, and what each job needs of them. */
export interface Gates {
  /** No capacity at all: stores skip every gate check. */
  readonly none: boolean;
  /** The capacity of each gate (only gates with one). */
  readonly capacities: ReadonlyMap<Gate, number>;
  /** What `job` needs (empty for most jobs). */
  needs(job: Pick<NewJob, 'name' | 'resources'>): GateNeeds;
  /**
   * Refuses a job that could never start: one asking more units of a resource than its
   * capacity (`invalid_argument` naming `<prefix>resources.<name>`; see batchPrefix).
   */
  check(job: Pick<NewJob, 'name' | 'resources'>, prefix?: string): void;
}

export const resourceGate = (name: string): Gate => `r:${name}`;
export const nameGate = (name: string): Gate => `n:${name}`;

function capacityTable(field: string, given: unknown, into: Map<Gate, number>, gate: (name: string) => Gate): void {
  if (given === undefined) return;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw invalidArgument(field, given, 'an object of names to capacities');
  }
  for (const [name, capacity] of Object.entries(given)) {
    if (typeof capacity !== 'number' || !Number.isSafeInteger(capacity) || capacity < 1) {
      throw invalidArgument(`${field}.${name}`, capacity, 'a whole number, at least 1');
    }
    into.set(gate(name), capacity);
  }
}

/** For store implementations: checks a store's `resources` and `jobConcurrency` options. */
export function gatesOf(limits: ResourceLimits = {}): Gates {
  const capacities = new Map<Gate, number>();
  capacityTable('resources', limits.resources, capacities, resourceGate);
  capacityTable('jobConcurrency', limits.jobConcurrency, capacities, nameGate);
  const needs = (job: Pick<NewJob, 'name' | 'resources'>): GateNeeds => {
    if (capacities.size === 0) return [];
    const out: [Gate, number][] = [];
    const byName = nameGate(job.name);
    if (capacities.has(byName)) out.push([byName, 1]);
    for (const [name, units] of Object.entries(job.resources ?? {})) {
      const gate = resourceGate(name);
      if (capacities.has(gate)) out.push([gate, units]);
    }
    return out;
  };
  return {
    none: capacities.size === 0,
    capacities,
    needs,
    check(job, prefix = '') {
      for (const [name, units] of Object.entries(job.resources ?? {})) {
        const capacity = capacities.get(resourceGate(name));
        if (capacity !== undefined && units > capacity) {
          throw invalidArgument(
            `${prefix}resources.${name}`,
            units,
            `at most ${capacity} (the capacity of resource "${name}")`,
          );
        }
      }
    },
  };
}

/**
 * Whether a job needing `needs` fits beside what is held (`held(gate)` units of each gate
 * now): all its gates have room, or it needs none.
 */
export function fits(gates: Gates, needs: GateNeeds, held: (gate: Gate) => number): boolean {
  for (const [gate, units] of needs) {
    if (held(gate) + units > (gates.capacities.get(gate) ?? Number.POSITIVE_INFINITY)) return false;
  }
  return true;
}
