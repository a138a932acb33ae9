/** What a label value becomes once its bound is reached. */
export const OTHER_LABEL = '_other';

/** The default bound on distinct job names, and on distinct tenants, per process. */
export const DEFAULT_MAX_LABEL_VALUES = 100;

/**
 * Keeps a label's cardinality bounded: the first `max` distinct values are kept as they
 * are, every later one becomes `_other`. Job names and tenants come from users; without a
 * bound one client enqueueing `report-<uuid>` jobs would give Prometheus a series per job.
 * A value once admitted stays admitted for the life of the process, so a series never
 * switches between its own name and `_other`.
 */
export class BoundedValues {
  private readonly seen = new Set<string>();

  constructor(readonly max: number = DEFAULT_MAX_LABEL_VALUES) {}

  label(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return OTHER_LABEL;
    this.seen.add(value);
    return value;
  }
}
