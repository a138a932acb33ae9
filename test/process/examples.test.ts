// The quick start: `cadenza dev --handlers examples/handlers.mjs --schedules examples/schedules.json`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertBuilt, type Cadenza, ROOT, startDev, waitFor } from './cadenza-process.js';

interface JobJson {
  id: string;
  name: string;
  status: string;
  attempt: number;
  startedAt?: string;
  finishedAt?: string;
}

let dir: string;
let node: Cadenza | undefined;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'cadenza-examples-'));
});
afterAll(async () => {
  if (node !== undefined && node.proc.exitCode === null) {
    node.proc.kill('SIGKILL');
    await node.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

const args = (store: string) => [
  '--store',
  store,
  '--handlers',
  join(ROOT, 'examples', 'handlers.mjs'),
  '--schedules',
  join(ROOT, 'examples', 'schedules.json'),
  '--log-level',
  'warn',
];

/** The jobs not created by a schedule (those depend on the minute the test runs in). */
async function allJobs(n: Cadenza): Promise<JobJson[]> {
  const { jobs } = (await n.http<{ jobs: JobJson[] }>('GET', '/v1/jobs?limit=500')).body;
  return jobs.filter((j) => !('scheduleId' in j));
}

it('runs the example handlers, schedules and dependency chain; a restart adds no jobs', async () => {
  const store = `sqlite:${join(dir, 'examples.db')}`;
  node = await startDev(args(store));
  const first = node;
  const byName = async (name: string) => (await allJobs(first)).filter((j) => j.name === name);
  await waitFor(
    'the example jobs to succeed',
    async () => {
      const jobs = await allJobs(first);
      return jobs.length === 5 && jobs.every((j) => j.status === 'succeeded');
    },
    30_000,
  );
  const [extract] = await byName('etl.extract');
  const [transform] = await byName('etl.transform');
  const [load] = await byName('etl.load');
  const [report] = await byName('report.build');
  expect(Date.parse(transform?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(extract?.finishedAt ?? ''));
  expect(Date.parse(load?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(transform?.finishedAt ?? ''));
  expect(report).toMatchObject({ status: 'succeeded', attempt: 2 });
  const schedules = (await first.http<{ schedules: { id: string }[] }>('GET', '/v1/schedules')).body.schedules;
  expect(schedules.map((s) => s.id).sort()).toEqual([
    'every-10s',
    'minutely',
    'nightly-report',
    'on-demand',
    'weekday-digest',
  ]);
  const before = (await allJobs(first)).map((j) => j.id);
  expect(await first.stop()).toEqual({ code: 0, signal: null });

  node = await startDev(args(store));
  const after = (await allJobs(node)).map((j) => j.id);
  expect(after.sort()).toEqual(before.sort());
  expect(await node.stop()).toEqual({ code: 0, signal: null });
}, 60_000);
