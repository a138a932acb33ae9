/**
 * A per-period schedule's fires: no fire time twice, and none missing beyond the misfire
 * rule. With misfire 'once', a run of missed times [a+p … b−p] between two fires a and b
 * means no leader ticked, by its own clock, in [a+p, b+grace] (a tick in there would have
 * fired a+p on time, or the latest missed time, which is b). By the wall clock that is
 * [a+p+skew, b+grace−skew] at least, `skew` the largest clock offset of a coordinator. The
 * gap is allowed only when that window lies within the times no coordinator could lead:
 * the `outages` (the leader's or Redis's faults, each extended by the takeover time).
 *
 * The ends count too: the schedule's first due time (`firstDue`) is taken as fired one
 * period early, so that a late start is a gap like any other; and the times after the last
 * fire up to the pause (`pausedAt`) mean no leader ticked in [last+p+skew, pausedAt−p].
 */
import { covers, type Interval, iso } from './logs.js';

export interface FireRule {
  periodMs: number;
  graceMs: number;
  /** The largest |offset| of a coordinator's clock. */
  skewMs: number;
  /** When no coordinator could lead (see leaderOutages). */
  outages: readonly Interval[];
  /** The first fire time after the schedule was written. */
  firstDue?: number;
  /** When the schedule was paused (wall clock). */
  pausedAt?: number;
}

export interface FireFindings {
  doubled: string[];
  unexplainedGaps: string[];
  /** Gaps the outages explain: shown in the summary. */
  explainedGaps: number;
}

export function checkFires(fireTimes: readonly number[], rule: FireRule): FireFindings {
  const seen = new Map<number, number>();
  for (const t of fireTimes) seen.set(t, (seen.get(t) ?? 0) + 1);
  const doubled = [...seen].filter(([, n]) => n > 1).map(([t, n]) => `${iso(t)} fired ${n} times`);
  const times = [...seen.keys()].sort((x, y) => x - y);
  if (rule.firstDue !== undefined) times.unshift(rule.firstDue - rule.periodMs);
  const unexplainedGaps: string[] = [];
  let explainedGaps = 0;
  for (let k = 1; k < times.length; k++) {
    const a = times[k - 1] ?? 0;
    const b = times[k] ?? 0;
    if (b - a <= rule.periodMs) continue;
    const window = { from: a + rule.periodMs + rule.skewMs, to: b + rule.graceMs - rule.skewMs };
    if (covers(rule.outages, window)) explainedGaps++;
    else {
      const missing = Math.round((b - a) / rule.periodMs) - 1;
      unexplainedGaps.push(
        `${missing} fire(s) missing between ${iso(a)} and ${iso(b)}: no outage covers ${iso(window.from)}–${iso(window.to)}`,
      );
    }
  }
  const last = times.at(-1);
  if (rule.pausedAt !== undefined && last !== undefined) {
    const window = { from: last + rule.periodMs + rule.skewMs, to: rule.pausedAt - rule.periodMs };
    if (window.to > window.from) {
      if (covers(rule.outages, window)) explainedGaps++;
      else unexplainedGaps.push(`no fire after ${iso(last)} until the pause at ${iso(rule.pausedAt)}`);
    }
  }
  return { doubled, unexplainedGaps, explainedGaps };
}
