/**
 * Tenant maxActive and resource capacities, from the attempt log: at no instant more
 * attempts of a tenant running (or more units of a resource held) than its limit. An
 * attempt counts from its start until it ended or its lease may have lapsed (past that,
 * the store may rightly have given its slot to another attempt).
 */
import type { Span } from './attempts.js';
import { iso } from './logs.js';

export interface Limits {
  tenantMaxActive: Record<string, number>;
  resources: Record<string, number>;
}

/** The most held at once by each key, and one line per instant a limit was exceeded. */
export function checkLimits(spans: readonly Span[], limits: Limits): { most: Record<string, number>; over: string[] } {
  const most: Record<string, number> = {};
  const over: string[] = [];
  const sweep = (key: string, limit: number, units: (s: Span) => number) => {
    const edges: { t: number; d: number; s: Span }[] = [];
    for (const s of spans) {
      const n = units(s);
      const until = Math.min(s.end, s.lapseAt);
      if (n <= 0 || until <= s.start) continue;
      edges.push({ t: s.start, d: n, s }, { t: until, d: -n, s });
    }
    // Ends before starts at the same instant: a slot handed straight on is not an overlap.
    edges.sort((a, b) => a.t - b.t || a.d - b.d);
    let held = 0;
    const live = new Set<Span>();
    most[key] = 0;
    for (const edge of edges) {
      held += edge.d;
      if (edge.d > 0) live.add(edge.s);
      else live.delete(edge.s);
      most[key] = Math.max(most[key] ?? 0, held);
      if (edge.d > 0 && held > limit) {
        const who = [...live].map((s) => `${s.id}#${s.attempt}@${s.worker}`).join(', ');
        over.push(`${key}: ${held} held at ${iso(edge.t)}, limit ${limit} (${who})`);
      }
    }
  };
  for (const [tenant, limit] of Object.entries(limits.tenantMaxActive)) {
    sweep(`tenant ${tenant}`, limit, (s) => (s.tenant === tenant ? 1 : 0));
  }
  for (const [resource, capacity] of Object.entries(limits.resources)) {
    sweep(`resource ${resource}`, capacity, (s) => s.resources[resource] ?? 0);
  }
  return { most, over };
}
