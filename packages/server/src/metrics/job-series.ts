import type { Registry } from 'prom-client';

/**
 * What a worker counts for every job, kept as plain numbers per (name, tenant) and read by
 * Prometheus at a scrape. prom-client's `inc(labels)` and `observe(labels, value)` check and
 * hash the labels on every call: at tens of thousands of jobs a second, its four calls per
 * job took about a tenth of a worker's CPU and much of its garbage. Here a job costs two
 * map lookups and a few additions; the counters are poured into prom-client counters when
 * scraped (their `collect`), and the histograms are collectors of their own (JobHistogram).
 */

/** One histogram series: counts per bucket (not cumulative), their sum and count. */
export class Distribution {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    const { bounds } = this;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] as number)) {
        this.counts[i] = (this.counts[i] as number) + 1;
        return;
      }
    }
  }
}

/** The counts of one (name, tenant): what was not yet poured into the counters, and the histograms. */
export class JobSeries {
  started = 0;
  succeeded = 0;
  failed = 0;
  retried = 0;
  dead = 0;
  wait: Distribution | undefined;
  succeededDuration: Distribution | undefined;
  failedDuration: Distribution | undefined;

  constructor(readonly labels: Readonly<{ name: string; tenant: string }>) {}
}

/** The fields of JobSeries that are counters. */
export type CountedField = 'started' | 'succeeded' | 'failed' | 'retried' | 'dead';

/**
 * One exposed sample, in the shape prom-client's Registry formats: `labels` first (the
 * registry's default labels join them), then the series' own as `sharedLabels`.
 */
interface Sample {
  labels: Record<string, string | number>;
  sharedLabels: Readonly<Record<string, string>>;
  value: number;
  metricName: string;
}

/**
 * A histogram with the exposition of prom-client's (`_bucket` cumulative with `le`, `+Inf`,
 * `_sum`, `_count`), registered in a prom-client Registry as a collector: the Registry
 * asks it for its samples at each scrape and adds the default labels.
 */
export class JobHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Distribution>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    // The Registry reads only name, type, aggregator, get() and reset() of what it holds.
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** The series for `labels` (made on first use); `key` names it uniquely. */
  distribution(key: string, labels: Readonly<Record<string, string>>): Distribution {
    let series = this.series.get(key);
    if (series === undefined) {
      series = new Distribution(labels, this.bounds);
      this.series.set(key, series);
    }
    return series;
  }

  /** For JSON readers (`registry.getMetricsAsJSON()`): each sample's labels in one object. */
  get(): { name: string; help: string; type: string; aggregator: string; values: Sample[] } {
    const metric = this.getForPromString();
    for (const sample of metric.values) sample.labels = { ...sample.sharedLabels, ...sample.labels };
    return metric;
  }

  /** For the text exposition, which formats `labels` and `sharedLabels` in that order. */
  getForPromString(): { name: string; help: string; type: string; aggregator: string; values: Sample[] } {
    const values: Sample[] = [];
    const bucket = `${this.name}_bucket`;
    for (const series of this.series.values()) {
      const sharedLabels = series.labels;
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += series.counts[i] as number;
        values.push({ labels: { le }, sharedLabels, value: cumulative, metricName: bucket });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels, value: series.count, metricName: bucket });
      values.push({ labels: {}, sharedLabels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels, value: series.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}
