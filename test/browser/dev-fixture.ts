import { afterAll, beforeAll, expect } from 'vitest';
import { waitFor } from '../process/cadenza-process.js';
import { browserPerFile } from './browser.js';
import { api, type DevNode, enqueue, startDevNode, waitForJob } from './nodes.js';

export const BERLIN = 'Europe/Berlin';
// Sundays of March and October at 03:00 in Berlin: the next five always include the last
// Sunday of one of those months, when Berlin's clocks change, whatever today's date.
export const DST_CRON = '0 3 * 3,10 0';
export const SCHEDULES = {
  'dst-sundays': { name: 'ok', cron: DST_CRON, tz: BERLIN, payload: { from: 'dst-sundays' } },
  nightly: { name: 'ok', cron: '30 2 * * *', tz: BERLIN, payload: { from: 'nightly' } },
  hourly: { name: 'ok', every: 3_600_000, payload: { from: 'hourly' } },
  'on-demand': { name: 'ok', manual: true },
};

export const browser = browserPerFile();
export let dev: DevNode;
export let ui: string;
export const jobs = {
  acmeOk: '',
  acmeFail: '',
  flaky: '',
  recovers: '',
  delayed: '',
  chainA: '',
  chainB: '',
  boltOk: '',
  boltFail: '',
};
export const BULK = 120;

beforeAll(async () => {
  // At most one `hold` job runs at once: the first holds the worker's active count at 1 and
  // the others wait, so the overview has an active worker and a queue to show.
  dev = await startDevNode(SCHEDULES, ['--id', 'dev-browser', '--job-concurrency', '{"hold":1}']);
  ui = `${dev.url}/ui/`;
  const gate = `${dev.dir}/never-opened`;
  await enqueue(dev.url, { name: 'hold', tenant: 'ops', priority: 7, payload: { gate } });
  for (let i = 0; i < 2; i++) await enqueue(dev.url, { name: 'hold', tenant: 'ops', payload: { gate } });
  jobs.acmeOk = await enqueue(dev.url, { name: 'ok', tenant: 'acme', tags: ['report'], payload: { to: 'ada' } });
  jobs.acmeFail = await enqueue(dev.url, { name: 'fail', tenant: 'acme', tags: ['nightly'] });
  jobs.chainA = await enqueue(dev.url, { name: 'ok', tenant: 'acme', payload: { step: 'extract' } });
  jobs.chainB = await enqueue(dev.url, { name: 'ok', tenant: 'acme', dependsOn: [jobs.chainA] });
  jobs.flaky = await enqueue(dev.url, {
    name: 'flaky',
    tenant: 'acme',
    maxAttempts: 3,
    dependsOn: [jobs.chainB],
    payload: { report: 'weekly' },
  });
  jobs.recovers = await enqueue(dev.url, { name: 'recovers', tenant: 'acme' });
  jobs.delayed = await enqueue(dev.url, { name: 'ok', tenant: 'acme', delayMs: 3_600_000 });
  jobs.boltOk = await enqueue(dev.url, { name: 'ok', tenant: 'bolt', tags: ['report'] });
  jobs.boltFail = await enqueue(dev.url, { name: 'fail', tenant: 'bolt' });
  const batch = await api(dev.url, 'POST', '/v1/jobs/batch', {
    body: { jobs: Array.from({ length: BULK }, (_, i) => ({ name: 'ok', tenant: 'bulk', payload: { i } })) },
  });
  expect(batch.status).toBe(201);
  await waitForJob(dev.url, jobs.flaky, 'succeeded');
  await waitForJob(dev.url, jobs.recovers, 'failed');
  await waitForJob(dev.url, jobs.acmeFail, 'failed');
  await waitForJob(dev.url, jobs.boltFail, 'failed');
  await waitForJob(dev.url, jobs.boltOk, 'succeeded');
  // Every bulk job ended too: the throughput the overview shows is settled from here on.
  await waitFor('the bulk jobs to succeed', async () => (await listed('tenant=bulk&status=succeeded')).length === BULK);
}, 60_000);

afterAll(async () => {
  await dev?.stop();
});

/** The job ids the API lists for a query (every page of it). */
export async function listed(query: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const page: { status: number; body: { jobs: { id: string }[]; nextCursor: string | null } } = await api(
      dev.url,
      'GET',
      `/v1/jobs?${query}&limit=1000${cursor === '' ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
    );
    ids.push(...page.body.jobs.map((j) => j.id));
    cursor = page.body.nextCursor;
  }
  return ids;
}

/** The UTC offset of `iso` in `zone`, as Intl names it ("GMT+01:00"). */
export function offsetIn(iso: string, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(
    new Date(iso),
  );
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/** `iso` as "YYYY-MM-DD HH:MM" on the wall clocks of `zone`. */
export function wallClock(iso: string, zone: string): string {
  // Sweden's format is ISO-like: "2027-03-28 03:00".
  return new Intl.DateTimeFormat('sv-SE', { timeZone: zone, dateStyle: 'short', timeStyle: 'short' }).format(
    new Date(iso),
  );
}
