import type { ActivityMinute } from '../store/store.js';
import { ACTIVITY_MINUTES } from '../store/store.js';
import {
  type ActivityField,
  activityFrame,
  type CheckedActivityQuery,
  MINUTE_MS,
  minuteOf,
} from '../store/support/activity.js';

/** One tenant's minute in a snapshot: [tenant, minute start, succeeded, failed, retried]. */
export type ActivityEntry = [tenant: string, at: number, succeeded: number, failed: number, retried: number];

const FIELD_INDEX: Record<ActivityField, 0 | 1 | 2> = { succeeded: 0, failed: 1, retried: 2 };

/**
 * What `Store.activity` reads: per tenant, the counts of each minute. A tenant keeps only
 * the ACTIVITY_MINUTES minutes up to the newest it has counted: older ones are dropped
 * when a new minute starts, so memory stays bounded without a sweep.
 */
export class ActivityLog {
  private readonly tenants = new Map<string, Map<number, [number, number, number]>>();

  count(tenant: string, now: number, field: ActivityField): void {
    const at = minuteOf(now);
    let minutes = this.tenants.get(tenant);
    if (minutes === undefined) {
      minutes = new Map();
      this.tenants.set(tenant, minutes);
    }
    let counts = minutes.get(at);
    if (counts === undefined) {
      counts = [0, 0, 0];
      minutes.set(at, counts);
      const newest = Math.max(...minutes.keys());
      for (const kept of minutes.keys()) if (kept <= newest - ACTIVITY_MINUTES * MINUTE_MS) minutes.delete(kept);
    }
    counts[FIELD_INDEX[field]] += 1;
  }

  read(query: CheckedActivityQuery): ActivityMinute[] {
    const frame = activityFrame(query);
    for (const [tenant, minutes] of this.tenants) {
      if (query.tenants !== undefined && !query.tenants.has(tenant)) continue;
      for (const [at, [succeeded, failed, retried]] of minutes) frame.add(at, succeeded, failed, retried);
    }
    return frame.minutes;
  }

  entries(): ActivityEntry[] {
    const out: ActivityEntry[] = [];
    for (const [tenant, minutes] of this.tenants) {
      for (const [at, [s, f, r]] of minutes) out.push([tenant, at, s, f, r]);
    }
    return out;
  }

  restore(entries: readonly ActivityEntry[]): void {
    this.tenants.clear();
    for (const [tenant, at, s, f, r] of entries) {
      let minutes = this.tenants.get(tenant);
      if (minutes === undefined) {
        minutes = new Map();
        this.tenants.set(tenant, minutes);
      }
      minutes.set(at, [s, f, r]);
    }
  }
}
