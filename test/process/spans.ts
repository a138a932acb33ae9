// The `span` lines the cluster handlers write (fixture/cluster-handlers.mjs): when each job
// started and ended, from which the tests tell how many ran at once.
import { readFileSync } from 'node:fs';

export interface Span {
  jobId: string;
  worker: string;
  started: number;
  ended: number;
}

export function readSpans(path: string, ids: ReadonlySet<string>): Span[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('span '))
    .map((line) => {
      const [, jobId = '', worker = '', , started = '0', ended = '0'] = line.split(' ');
      return { jobId, worker, started: Number(started), ended: Number(ended) };
    })
    .filter((span) => ids.has(span.jobId));
}

/** The most spans open at one instant. */
export function mostAtOnce(spans: readonly Span[]): number {
  const edges = spans.flatMap((s) => [
    { at: s.started, step: 1 },
    { at: s.ended, step: -1 },
  ]);
  // An end and a start at the same millisecond: the end first (the place was given back).
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let open = 0;
  let most = 0;
  for (const edge of edges) {
    open += edge.step;
    most = Math.max(most, open);
  }
  return most;
}
