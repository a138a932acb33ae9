// The rows of the table: which metric, how to print it, and the target cadenza is held to
// (issue 15's goal table, and issue 5's targets where issue 15 sets none). `ratio` is always
// cadenza ÷ BullMQ; a target is on that ratio, on cadenza's own value, or both. A row whose
// metric was not measured this run (e.g. --only) is left out.

const rate = { unit: 'jobs/s', digits: 0 };
const ms = { unit: 'ms', digits: 1 };
const us = { unit: 'µs', digits: 1 };
const count = { unit: '', digits: 2 };

const atLeast = (times) => ({ text: `≥ ×${times}`, needsBullmq: true, check: ({ ratio }) => ratio >= times });
const atMost = (fraction, label) => ({
  text: `≤ ${label}`,
  needsBullmq: true,
  check: ({ ratio }) => ratio <= fraction,
});
const under = (limit) => ({ text: `< ${limit} ms`, check: ({ cadenza }) => cadenza < limit });
/** cadenza's own value at most `limit` (with its unit, e.g. '10 µs'). */
const noMore = (limit, unit = '') => ({
  text: `≤ ${limit.toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`,
  check: ({ cadenza }) => cadenza <= limit,
});
/** cadenza's own value at least `limit`. */
const noLess = (limit, unit = '') => ({
  text: `≥ ${limit.toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`,
  check: ({ cadenza }) => cadenza >= limit,
});
/** Every one of the targets. */
const both = (...targets) => ({
  text: targets.map((t) => t.text).join(' and '),
  needsBullmq: targets.some((t) => t.needsBullmq),
  check: (values) => targets.every((t) => t.check(values)),
});
const zero = { text: '0', check: ({ cadenza }) => cadenza === 0 };

export const ROWS = [
  { figure: '1 enqueue, batches of 1,000', key: 'enqueue.bulk', ...rate, target: atLeast(5) },
  { figure: '1 enqueue, single, 100 in flight', key: 'enqueue.single', ...rate, target: atLeast(1.5) },
  { figure: '2 throughput, concurrency 1', key: 'throughput.c1', ...rate, target: atLeast(1.5) },
  { figure: '2 throughput, concurrency 10', key: 'throughput.c10', ...rate, target: atLeast(2.5) },
  {
    figure: '2 throughput, concurrency 100',
    key: 'throughput.c100',
    ...rate,
    target: both(atLeast(5), noLess(100_000, 'jobs/s')),
  },
  { figure: '3 latency p50', key: 'latency.p50', ...ms },
  {
    figure: '3 latency p99',
    key: 'latency.p99',
    ...ms,
    target: { text: '≤ BullMQ', needsBullmq: true, check: ({ cadenza, bullmq }) => cadenza <= bullmq },
  },
  { figure: '3 latency max', key: 'latency.max', ...ms },
  { figure: '3 latency: rate achieved', key: 'latency.rate', ...rate },
  // 10,000 due at once: start lateness is bounded by throughput, so it has no target here;
  // issue 15's goal for this case is on promotion (due → waiting): p99 ≤ 20 ms.
  { figure: '4 delayed, 10,000 at once: promotion p50', key: 'delayed.promotion.p50', ...ms },
  {
    figure: '4 delayed, 10,000 at once: promotion p99',
    key: 'delayed.promotion.p99',
    ...ms,
    target: noMore(20, 'ms'),
  },
  { figure: '4 delayed, 10,000 at once: promotion max', key: 'delayed.promotion.max', ...ms },
  { figure: '4 delayed, 10,000 at once: lateness, first job', key: 'delayed.first', ...ms },
  { figure: '4 delayed, 10,000 at once: lateness p50', key: 'delayed.p50', ...ms },
  { figure: '4 delayed, 10,000 at once: lateness p99', key: 'delayed.p99', ...ms },
  { figure: '4 delayed, 10,000 at once: lateness max', key: 'delayed.max', ...ms },
  { figure: '4 delayed, 2,000 over 10 s: lateness p50', key: 'delayed.spread.p50', ...ms },
  {
    figure: '4 delayed, 2,000 over 10 s: lateness p99',
    key: 'delayed.spread.p99',
    ...ms,
    target: noMore(10, 'ms'),
  },
  { figure: '4 delayed, 2,000 over 10 s: lateness max', key: 'delayed.spread.max', ...ms },
  { figure: '5 cron lateness p50', key: 'cron.p50', ...ms },
  { figure: '5 cron lateness p99', key: 'cron.p99', ...ms, target: under(10) },
  { figure: '5 cron lateness max', key: 'cron.max', ...ms },
  { figure: '5 cron fires (expected)', key: 'cron.fires', unit: '', digits: 0, expectedKey: 'cron.expected' },
  { figure: '5 cron fires missing', key: 'cron.missing', unit: '', digits: 0, target: zero },
  { figure: '5 cron fires doubled', key: 'cron.doubled', unit: '', digits: 0, target: zero },
  { figure: '6 Redis CPU / job, enqueue (batches)', key: 'cost.enqueue.cpuUs', ...us },
  { figure: '6 Redis CPU / job, run (c=100)', key: 'cost.run.cpuUs', ...us },
  {
    figure: '6 Redis CPU / job, enqueue + run',
    key: 'cost.total.cpuUs',
    ...us,
    target: both(atMost(1 / 6, '⅙'), noMore(10, 'µs')),
  },
  { figure: '6 Redis CPU / job, single enqueue', key: 'cost.single.cpuUs', ...us },
  { figure: '6 commands / job, enqueue (batches)', key: 'cost.enqueue.commands', ...count },
  { figure: '6 commands / job, run (c=100)', key: 'cost.run.commands', ...count },
  { figure: '6 commands / job, enqueue + run', key: 'cost.total.commands', ...count, target: atMost(0.1, '⅒') },
  { figure: '6 commands / job, single enqueue', key: 'cost.single.commands', ...count },
  { figure: '6 round trips / job, enqueue (batches)', key: 'cost.enqueue.roundTrips', unit: '', digits: 4 },
  {
    figure: '6 round trips / job, run (c=1)',
    key: 'cost.run1.roundTrips',
    unit: '',
    digits: 2,
    target: noMore(1),
  },
  { figure: '6 round trips / job, run (c=100)', key: 'cost.run.roundTrips', unit: '', digits: 4 },
  { figure: '6 round trips / job, single enqueue', key: 'cost.single.roundTrips', unit: '', digits: 2 },
  { figure: '6 worker CPU / job, run (c=100)', key: 'cost.run.workerCpuUs', ...us, target: noMore(8, 'µs') },
  {
    figure: '6 Redis memory / waiting job (100 B payload)',
    key: 'memory.waiting',
    unit: 'B',
    digits: 0,
    target: both(atMost(1 / 3, '⅓'), noMore(220, 'B')),
  },
  { figure: '7 fairness: b wait p50', key: 'fairness.b.p50', ...ms },
  { figure: '7 fairness: b wait p99', key: 'fairness.b.p99', ...ms },
  { figure: '7 fairness: b wait max', key: 'fairness.b.max', ...ms },
  { figure: "7 fairness: a's jobs left at the end", key: 'fairness.aLeft', unit: '', digits: 0 },
  { figure: '8 scale-out, 1 process', key: 'scaleout.p1', ...rate },
  { figure: '8 scale-out, 2 processes', key: 'scaleout.p2', ...rate },
  { figure: '8 scale-out, 4 processes', key: 'scaleout.p4', ...rate },
];

/** Adds the enqueue + run totals: the sum of the two halves' medians (and of their mins, maxes). */
export function derive(summary) {
  for (const kind of ['cpuUs', 'commands']) {
    const a = summary[`cost.enqueue.${kind}`];
    const b = summary[`cost.run.${kind}`];
    if (a !== undefined && b !== undefined) {
      summary[`cost.total.${kind}`] = {
        median: a.median + b.median,
        min: a.min + b.min,
        max: a.max + b.max,
        runs: Math.min(a.runs, b.runs),
      };
    }
  }
  return summary;
}
