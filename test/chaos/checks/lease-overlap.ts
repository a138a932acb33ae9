/**
 * No attempt of a job starts while another attempt of it still holds a live lease: two
 * attempts of one job may overlap only when the earlier one's lease may have lapsed before
 * the later one began (its worker frozen, cut off or dead for long enough). An attempt
 * number seen twice is always a finding (every claim counts one up).
 */
import type { Span } from './attempts.js';
import { iso } from './logs.js';

export function leaseOverlaps(spans: readonly Span[]): string[] {
  const byJob = new Map<string, Span[]>();
  for (const s of spans) byJob.set(s.id, [...(byJob.get(s.id) ?? []), s]);
  const out: string[] = [];
  for (const [id, list] of byJob) {
    const sorted = [...list].sort((a, b) => a.start - b.start);
    const numbers = new Set<number>();
    for (const s of sorted) {
      if (numbers.has(s.attempt)) out.push(`${id}: attempt ${s.attempt} started twice (${s.worker}/${s.pid})`);
      numbers.add(s.attempt);
    }
    for (let k = 1; k < sorted.length; k++) {
      const later = sorted[k];
      if (later === undefined) continue;
      for (const earlier of sorted.slice(0, k)) {
        if (earlier.end <= later.start || earlier.lapseAt <= later.start) continue;
        out.push(
          `${id}: attempt ${later.attempt} (${later.worker}/${later.pid}) started at ${iso(later.start)} while attempt ` +
            `${earlier.attempt} (${earlier.worker}/${earlier.pid}, from ${iso(earlier.start)}) held a live lease`,
        );
      }
    }
  }
  return out;
}
