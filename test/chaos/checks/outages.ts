/**
 * When no coordinator could lead, from the fault log and the leader samples: Redis down,
 * or the coordinator that led (the last sample before the fault named it, or none was
 * known) frozen, cut off or dead. Each outage is extended by `takeoverMs` — what a
 * follower needs to take a lapsed lease, or the leader to reconnect, before it ticks.
 */
import type { Fault, Interval, LeaderSample } from './logs.js';
import { union } from './logs.js';

export function leaderOutages(
  faults: readonly Fault[],
  samples: readonly LeaderSample[],
  takeoverMs: number,
): Interval[] {
  const ordered = [...samples].sort((a, b) => a.t - b.t);
  const leaderAt = (t: number): string | undefined => {
    let leader: string | undefined;
    for (const s of ordered) {
      if (s.t > t) break;
      if (s.leader !== undefined) leader = s.leader;
    }
    return leader;
  };
  const out: Interval[] = [];
  for (const f of faults) {
    const redis = f.kind === 'redis-kill' || f.kind === 'redis-shutdown';
    const onCoordinator = f.kind === 'kill' || f.kind === 'stop' || f.kind === 'partition';
    if (!redis && !onCoordinator) continue;
    if (onCoordinator) {
      const leader = leaderAt(f.start);
      if (leader !== undefined && leader !== f.target) continue;
    }
    out.push({ from: f.start, to: f.end + takeoverMs });
  }
  return union(out);
}
