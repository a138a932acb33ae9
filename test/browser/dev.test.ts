// The dashboard of a real `cadenza dev` (SQLite file, the fixture's handlers) in Debian's
// Chromium, used as a person would: every page and action found by role and accessible name
// (the names of the dashboard contract), outcomes checked against the HTTP API.
// Build first (`npx -y pnpm@12.4.2 build`); `pnpm screenshots` keeps the PNGs it takes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDev, waitFor } from '../process/cadenza-process.js';
import { checkPage } from './a11y.js';
import { browserPerFile, PHONE, screenshot, VIEWER_ZONE } from './browser.js';
import { api, type DevNode, enqueue, refusal, startDevNode, waitForJob } from './nodes.js';
import {
  columns,
  dataRows,
  eventually,
  heading,
  jobLinks,
  linkedJobIds,
  liveStatus,
  navigate,
  rowTexts,
  visibleText,
} from './pages.js';

const BERLIN = 'Europe/Berlin';
// Sundays of March and October at 03:00 in Berlin: the next five always include the last
// Sunday of one of those months, when Berlin's clocks change, whatever today's date.
const DST_CRON = '0 3 * 3,10 0';
const SCHEDULES = {
  'dst-sundays': { name: 'ok', cron: DST_CRON, tz: BERLIN, payload: { from: 'dst-sundays' } },
  nightly: { name: 'ok', cron: '30 2 * * *', tz: BERLIN, payload: { from: 'nightly' } },
  hourly: { name: 'ok', every: 3_600_000, payload: { from: 'hourly' } },
  'on-demand': { name: 'ok', manual: true },
};

const browser = browserPerFile();
let dev: DevNode;
let ui: string;
const jobs = {
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
const BULK = 120;

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
async function listed(query: string): Promise<string[]> {
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
function offsetIn(iso: string, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(
    new Date(iso),
  );
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/** `iso` as "YYYY-MM-DD HH:MM" on the wall clocks of `zone`. */
function wallClock(iso: string, zone: string): string {
  // Sweden's format is ISO-like: "2027-03-28 03:00".
  return new Intl.DateTimeFormat('sv-SE', { timeZone: zone, dateStyle: 'short', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

describe('the dashboard of cadenza dev', { timeout: 60_000 }, () => {
  it('serves /ui/ with its security headers and no token, and redirects /ui', async () => {
    const redirect = await fetch(`${dev.url}/ui`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(new URL(redirect.headers.get('location') ?? '', dev.url).pathname).toBe('/ui/');
    const index = await fetch(ui);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(index.headers.get('content-security-policy')).toBe(
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    const script = /src="([^"]+\.js)"/.exec(await index.text())?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(new URL(script ?? '', ui));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await fetch(`${ui}no-such-file.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('--no-ui: /ui/ answers 404', async () => {
    const bare = await startDev(['--store', 'memory', '--no-ui', '--log-level', 'warn']);
    try {
      expect((await fetch(`${bare.url}/ui/`)).status).toBe(404);
      expect((await fetch(`${bare.url}/healthz`)).status).toBe(200);
    } finally {
      await bare.stop('SIGKILL');
    }
  });

  it('overview: the leader and its epoch, the worker and its active job, throughput, queues', async () => {
    const { page } = await browser.open(ui);
    await heading(page, 'Overview');
    const cluster = (
      await api<{
        leader: { id: string; epoch: number };
        queues: { tenant: string; priority: number; counts: Record<string, number> }[];
      }>(dev.url, 'GET', '/v1/cluster')
    ).body;
    expect(cluster.leader.id).toBe('dev-browser');
    const leader = page.getByRole('region', { name: 'Leader' });
    await eventually(() => visibleText(leader)).toContain('dev-browser');
    expect(await visibleText(leader)).toContain(`epoch ${cluster.leader.epoch}`);

    const workers = page.getByRole('region', { name: 'Workers' }).getByRole('table');
    expect(await columns(workers)).toEqual(['Worker', 'Active', 'Concurrency', 'Last seen']);
    // One `hold` job runs for the whole file: the worker's active count is 1 of 10.
    await eventually(async () => (await rowTexts(workers)).map((r) => r.slice(0, 3))).toEqual([
      ['dev-browser', '1', '10'],
    ]);
    expect(await visibleText(page.getByRole('region', { name: 'Coordinators' }).getByRole('table'))).toContain(
      'dev-browser',
    );

    // Throughput: both charts, and their text equivalent carries the API's counts.
    const throughput = page.getByRole('region', { name: 'Throughput' });
    await throughput.getByRole('img', { name: 'Jobs finished per minute, last hour' }).waitFor();
    await throughput.getByRole('img', { name: 'Failures per minute, last hour' }).waitFor();
    const activity = async () =>
      (await api<{ minutes: { succeeded: number; failed: number }[] }>(dev.url, 'GET', '/v1/activity')).body.minutes;
    const minutes = await activity();
    const sum = (key: 'succeeded' | 'failed') => minutes.reduce((n, m) => n + m[key], 0);
    expect(sum('succeeded')).toBeGreaterThanOrEqual(BULK);
    expect(sum('failed')).toBeGreaterThanOrEqual(3);
    // The text equivalent: the summary says the hour's totals, and "Show the numbers" opens
    // a table with a row per minute in which jobs finished.
    const summary = await visibleText(throughput);
    expect(summary).toContain(String(sum('succeeded')));
    expect(summary).toContain(String(sum('failed')));
    await throughput.getByText('Show the numbers').first().click();
    const numbers = throughput.getByRole('table').first();
    await numbers.waitFor();
    expect(await dataRows(numbers).count()).toBe(minutes.filter((m) => m.succeeded + m.failed > 0).length);
    expect((await rowTexts(numbers)).flat()).toContain(
      String(minutes.reduce((a, m) => (m.succeeded > a.succeeded ? m : a)).succeeded),
    );

    // Queues: a row per tenant and priority, with the waiting count of each status column.
    const queues = page.getByRole('region', { name: 'Queues' }).getByRole('table');
    const heads = await columns(queues);
    expect(heads.slice(0, 2)).toEqual(['Tenant', 'Priority']);
    const waitingColumn = heads.findIndex((h) => h.toLowerCase() === 'waiting');
    const activeColumn = heads.findIndex((h) => h.toLowerCase() === 'active');
    expect(waitingColumn).toBeGreaterThan(1);
    const ops = cluster.queues.filter((q) => q.tenant === 'ops');
    expect(ops.map((q) => [q.priority, q.counts.waiting ?? 0, q.counts.active ?? 0])).toEqual(
      expect.arrayContaining([
        [7, 0, 1],
        [5, 2, 0],
      ]),
    );
    const rows = await rowTexts(queues);
    const row = (priority: number) => rows.find((r) => r[0] === 'ops' && r[1] === String(priority));
    expect(row(5)?.[waitingColumn]).toBe('2');
    expect(row(7)?.[activeColumn]).toBe('1');
  });

  it('schedules: the list, and a Berlin cron whose next fires cross a DST change, in both zones', async () => {
    const { page } = await browser.open(`${ui}#/schedules`);
    await heading(page, 'Schedules');
    const table = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Trigger' }) });
    await eventually(() => dataRows(table).count()).toBe(Object.keys(SCHEDULES).length);
    expect(await columns(table)).toEqual(['Schedule', 'Tenant', 'Trigger', 'Next fire', 'Last fire', 'State']);
    const ids = await table.locator('a[href^="#/schedules/"]').allTextContents();
    expect(ids.map((id) => id.trim()).sort()).toEqual(Object.keys(SCHEDULES).sort());
    expect(await visibleText(dataRows(table).filter({ hasText: 'dst-sundays' }))).toContain(DST_CRON);

    await table.getByRole('link', { name: 'dst-sundays', exact: true }).click();
    await heading(page, 'Schedule dst-sundays');
    const preview = (
      await api<{ fires: string[] }>(dev.url, 'POST', '/v1/schedules/preview', { body: { cron: DST_CRON, tz: BERLIN } })
    ).body.fires;
    const shiftAt = preview.findIndex((f, i) => i > 0 && offsetIn(f, BERLIN) !== offsetIn(preview[i - 1] ?? f, BERLIN));
    expect(shiftAt).toBeGreaterThan(0);
    const fires = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: `In ${BERLIN}` }) });
    expect((await columns(fires)).slice(0, 2)).toEqual([`In ${BERLIN}`, `In your zone (${VIEWER_ZONE})`]);
    await eventually(() => dataRows(fires).count()).toBeGreaterThanOrEqual(5);
    // Each fire in both zones: the same instants as the API's, as wall-clock times there.
    const rows = await rowTexts(fires);
    for (const [i, fire] of preview.entries()) {
      expect(rows[i]?.[0]).toContain(wallClock(fire, BERLIN));
      expect(rows[i]?.[1]).toContain(wallClock(fire, VIEWER_ZONE));
    }
    // The fire after Berlin's change is marked in Berlin's column, with the change named.
    const shifted = dataRows(fires).nth(shiftAt).getByRole('cell').first();
    expect(await visibleText(shifted)).toContain('DST shift');
    const forward = offsetIn(preview[shiftAt] ?? '', BERLIN) === 'GMT+02:00';
    const change = forward ? 'UTC+1 → UTC+2' : 'UTC+2 → UTC+1';
    expect(await shifted.ariaSnapshot()).toContain(change);
    // No other Berlin fire is marked: the five fires hold one change.
    const berlinCells = await dataRows(fires).evaluateAll((rows) =>
      rows.map((row) => row.querySelector('td, [role="cell"]')?.textContent ?? ''),
    );
    expect(berlinCells.filter((text) => text.includes('DST shift'))).toHaveLength(1);
  });

  it('a schedule: pause and resume change its state in the table and the API; Trigger now makes a job', async () => {
    const { page } = await browser.open(`${ui}#/schedules/default/nightly`);
    await heading(page, 'Schedule nightly');
    const paused = async () =>
      (await api<{ paused: boolean }>(dev.url, 'GET', '/v1/schedules/nightly?tenant=default')).body.paused;

    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await eventually(paused).toBe(true);
    await navigate(page, 'Schedules');
    const row = dataRows(page.getByRole('table')).filter({ hasText: 'nightly' });
    await eventually(async () => (await visibleText(row)).toLowerCase()).toContain('paused');

    await row.getByRole('link', { name: 'nightly', exact: true }).click();
    await heading(page, 'Schedule nightly');
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await eventually(paused).toBe(false);
    await navigate(page, 'Schedules');
    await eventually(async () => (await visibleText(row)).toLowerCase()).not.toContain('paused');

    await row.getByRole('link', { name: 'nightly', exact: true }).click();
    await heading(page, 'Schedule nightly');
    const before = new Set(await listed('tenant=default&name=ok'));
    await page.getByRole('button', { name: 'Trigger now', exact: true }).click();
    let created: string[] = [];
    await eventually(async () => {
      created = (await listed('tenant=default&name=ok')).filter((id) => !before.has(id));
      return created.length;
    }).toBe(1);
    const id = created[0] ?? '';
    await jobLinks(page.locator('main'), id).first().click();
    await heading(page, `Job ${id}`);
  });

  it('the schedule form: a live cron description, the API message for a bad one, and bad input writes nothing', async () => {
    const { page } = await browser.open(`${ui}#/schedules`);
    await heading(page, 'Schedules');
    const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Save schedule' }) });
    const cron = form.getByLabel('Cron expression', { exact: true });
    await form.getByLabel('Time zone', { exact: true }).fill(BERLIN);
    const description = page.getByRole('status', { name: 'Cron description' });

    await cron.pressSequentially('*/15 * * * *');
    const every15 = (
      await api<{ description: string }>(dev.url, 'POST', '/v1/schedules/preview', {
        body: { cron: '*/15 * * * *', tz: BERLIN },
      })
    ).body.description;
    expect(every15).toBe('Every 15 minutes');
    await eventually(() => visibleText(description)).toContain(every15);
    // It follows the typing: another expression, another description.
    await cron.fill('');
    await cron.pressSequentially('30 9 * * 1-5');
    const weekdays = (
      await api<{ description: string }>(dev.url, 'POST', '/v1/schedules/preview', {
        body: { cron: '30 9 * * 1-5', tz: BERLIN },
      })
    ).body.description;
    await eventually(() => visibleText(description)).toContain(weekdays);

    await cron.fill('61 * * * *');
    const badCron = await refusal(dev.url, 'POST', '/v1/schedules/preview', {
      body: { cron: '61 * * * *', tz: BERLIN },
    });
    expect(badCron).toMatch(/^cron/);
    await eventually(() => page.getByRole('alert').allInnerTexts()).toContainEqual(expect.stringContaining(badCron));

    // Saving: a tenant the API refuses (the preview knows no tenant, so this message is
    // the save's own), then the bad cron; neither writes a schedule.
    await form.getByLabel('Schedule id', { exact: true }).fill('broken');
    await form.getByLabel('Tenant', { exact: true }).fill('Acme Corp');
    await form.getByLabel('Job name', { exact: true }).fill('ok');
    await cron.fill('0 9 * * 1');
    await form.getByLabel('Payload (JSON)', { exact: true }).fill('{"to":"team@example.com"}');
    const badTenant = await refusal(dev.url, 'PUT', `/v1/schedules/broken?tenant=${encodeURIComponent('Acme Corp')}`, {
      body: { name: 'ok', cron: '0 9 * * 1', tz: BERLIN, payload: { to: 'team@example.com' } },
    });
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await eventually(() => page.getByRole('alert').allInnerTexts()).toContainEqual(expect.stringContaining(badTenant));
    await form.getByLabel('Tenant', { exact: true }).fill('acme');
    await cron.fill('61 * * * *');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    const badSave = await refusal(dev.url, 'PUT', '/v1/schedules/broken?tenant=acme', {
      body: { name: 'ok', cron: '61 * * * *', tz: BERLIN, payload: { to: 'team@example.com' } },
    });
    await eventually(() => page.getByRole('alert').allInnerTexts()).toContainEqual(expect.stringContaining(badSave));
    expect((await api(dev.url, 'GET', '/v1/schedules/broken?tenant=acme')).status).toBe(404);
    expect((await api(dev.url, 'GET', '/v1/schedules?tenant=acme')).body).toMatchObject({ schedules: [] });

    // A good one is saved as typed.
    await form.getByLabel('Schedule id', { exact: true }).fill('weekly-digest');
    await cron.fill('0 9 * * 1');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await eventually(
      async () => (await api(dev.url, 'GET', '/v1/schedules/weekly-digest?tenant=acme')).body,
    ).toMatchObject({ name: 'ok', cron: '0 9 * * 1', tz: BERLIN, payload: { to: 'team@example.com' } });
  });

  it('jobs: filters by tenant, status, name and tag list what the API lists, in the link too', async () => {
    const { page } = await browser.open(`${ui}#/jobs`);
    await heading(page, 'Jobs');
    const filters = page.locator('form').filter({ has: page.getByRole('button', { name: 'Filter', exact: true }) });
    const table = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Attempt' }) });
    expect(await columns(table)).toEqual(['Job', 'Name', 'Tenant', 'Status', 'Attempt', 'Created']);
    const apply = async (fields: { tenant?: string; status?: string; name?: string; tag?: string }) => {
      await filters.getByLabel('Tenant', { exact: true }).fill(fields.tenant ?? '');
      await filters.getByRole('combobox', { name: 'Status' }).selectOption(fields.status ?? 'any');
      await filters.getByLabel('Name', { exact: true }).fill(fields.name ?? '');
      await filters.getByLabel('Tag', { exact: true }).fill(fields.tag ?? '');
      await filters.getByRole('button', { name: 'Filter', exact: true }).click();
    };
    const shown = async () => (await linkedJobIds(table)).sort();

    await apply({ tenant: 'acme', status: 'failed' });
    const failedAcme = (await listed('tenant=acme&status=failed')).sort();
    expect(failedAcme).toEqual([jobs.acmeFail, jobs.recovers].sort());
    await eventually(shown).toEqual(failedAcme);
    for (const row of await rowTexts(table)) expect([row[2], row[3]]).toEqual(['acme', 'failed']);
    expect(decodeURIComponent(page.url())).toMatch(/#\/jobs\?.*tenant=acme/);
    expect(decodeURIComponent(page.url())).toMatch(/status=failed/);
    // The link is the view: opened afresh, it lists the same jobs.
    await page.reload();
    await heading(page, 'Jobs');
    await eventually(shown).toEqual(failedAcme);

    await apply({ name: 'flaky' });
    await eventually(shown).toEqual([jobs.flaky]);
    await apply({ tag: 'report' });
    await eventually(shown).toEqual([jobs.acmeOk, jobs.boltOk].sort());
    await apply({ tenant: 'bolt', status: 'succeeded' });
    await eventually(shown).toEqual([jobs.boltOk]);
  });

  it('jobs: "Load more" pages through a long list until the API has no more', async () => {
    const { page } = await browser.open(`${ui}#/jobs?tenant=bulk`);
    await heading(page, 'Jobs');
    const table = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Attempt' }) });
    const more = page.getByRole('button', { name: 'Load more' });
    await more.waitFor();
    const first = await dataRows(table).count();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(BULK);
    for (let i = 0; i < 20 && (await more.isVisible()); i++) {
      const before = await dataRows(table).count();
      await more.click();
      await eventually(() => dataRows(table).count()).toBeGreaterThan(before);
    }
    await more.waitFor({ state: 'hidden' });
    expect((await linkedJobIds(table)).sort()).toEqual((await listed('tenant=bulk')).sort());
    expect(await dataRows(table).count()).toBe(BULK);
  });

  it("a job's page: payload, result, three attempts with times, and its parents two levels up", async () => {
    const { page } = await browser.open(`${ui}#/jobs?name=flaky`);
    await heading(page, 'Jobs');
    await page
      .locator(`a[href*="#/jobs/"]`)
      .filter({ hasText: jobs.flaky.slice(-6) })
      .first()
      .click();
    await heading(page, `Job ${jobs.flaky}`);
    const compact = async (region: string) =>
      (await visibleText(page.getByRole('region', { name: region, exact: true }))).replace(/\s+/g, '');
    await eventually(() => compact('Payload')).toContain('{"report":"weekly"}');
    expect(await compact('Result')).toContain('{"succeededOnAttempt":3}');
    expect(await page.getByRole('region', { name: 'Error', exact: true }).count()).toBe(0);

    const attempts = page.getByRole('region', { name: 'Attempts' }).getByRole('table');
    expect(await columns(attempts)).toEqual(['Attempt', 'Started', 'Ended', 'Outcome', 'Worker']);
    const rows = await rowTexts(attempts);
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3']);
    const past = (await api<{ pastAttempts: { workerId: string | null }[] }>(dev.url, 'GET', `/v1/jobs/${jobs.flaky}`))
      .body.pastAttempts;
    for (const [i, row] of rows.entries()) {
      expect(row[1], 'started').toMatch(/\d/);
      expect(row[2], 'ended').toMatch(/\d/);
      // A past attempt's worker as the API gives it (— when the store keeps none).
      if (i < past.length) expect(row[4], 'worker').toBe(past[i]?.workerId ?? '—');
    }
    expect(rows[0]?.[3]).toContain('attempt 1 fails on purpose');
    expect(rows[1]?.[3]).toContain('attempt 2 fails on purpose');
    expect(rows[2]?.[3]?.toLowerCase()).toContain('succeeded');

    const dependencies = page.getByRole('region', { name: 'Dependencies' });
    const graph = dependencies.getByRole('img', { name: `Dependencies of ${jobs.flaky}` });
    await graph.waitFor();
    // The graph's boxes: the parent and its parent, each a link that says its status.
    const boxes = dependencies.locator('svg a[href*="#/jobs/"]');
    expect([...new Set(await linkedJobIds(dependencies.locator('svg')))].sort()).toEqual(
      [jobs.chainA, jobs.chainB].sort(),
    );
    for (const label of await boxes.evaluateAll((links) => links.map((a) => a.getAttribute('aria-label') ?? '')))
      expect(label).toContain('succeeded');
    // The same jobs by keyboard: the nested list under the picture links the parent and its parent.
    expect([...new Set(await linkedJobIds(dependencies.getByRole('list').first()))].sort()).toEqual(
      [jobs.chainA, jobs.chainB].sort(),
    );
    await jobLinks(dependencies.locator('svg'), jobs.chainB).click();
    await heading(page, `Job ${jobs.chainB}`);

    await page.goto(`${ui}#/jobs/${encodeURIComponent(jobs.acmeFail)}`);
    await heading(page, `Job ${jobs.acmeFail}`);
    await eventually(() => visibleText(page.getByRole('region', { name: 'Error', exact: true }))).toContain(
      'the report source is unreachable',
    );
    expect(await page.getByRole('region', { name: 'Result', exact: true }).count()).toBe(0);
  });

  it('Retry on a failed job, after its confirmation, runs it again to success on the page', async () => {
    const { page } = await browser.open(`${ui}#/jobs/${encodeURIComponent(jobs.recovers)}`);
    await heading(page, `Job ${jobs.recovers}`);
    await page.getByRole('button', { name: 'Retry', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: /^Retry/ }).click();
    await waitForJob(dev.url, jobs.recovers, 'succeeded');
    await eventually(async () => (await visibleText(page.locator('main'))).replace(/\s+/g, '')).toContain(
      '{"recovered":true}',
    );
    await page.getByRole('button', { name: 'Retry', exact: true }).waitFor({ state: 'hidden' });
    // Both runs are in the attempts: the failed one, then the one the retry began (the
    // latest attempt is the job's own, the contract says).
    const attempts = page.getByRole('region', { name: 'Attempts' }).getByRole('table');
    await eventually(async () => (await rowTexts(attempts)).map((r) => r[3]?.toLowerCase() ?? '')).toEqual([
      expect.stringContaining('the first run fails'),
      expect.stringContaining('succeeded'),
    ]);
  });

  it('Cancel on a delayed job: the dialog traps focus, Escape and Keep leave it, "Cancel job" cancels', async () => {
    const { page } = await browser.open(`${ui}#/jobs/${encodeURIComponent(jobs.delayed)}`);
    await heading(page, `Job ${jobs.delayed}`);
    const cancel = page.getByRole('button', { name: 'Cancel', exact: true });
    const dialog = page.getByRole('dialog', { name: `Cancel job ${jobs.delayed}?` });
    const focusInDialog = () => page.evaluate(`document.activeElement?.closest('[role="dialog"], dialog') != null`);
    const focusedName = () => page.evaluate(`(document.activeElement?.textContent ?? '').trim()`);

    await cancel.click();
    await dialog.waitFor();
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      expect(await focusInDialog(), `focus stays in the dialog after ${i + 1} Tab`).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await focusedName()).toBe('Cancel');

    await cancel.click();
    await dialog.getByRole('button', { name: 'Keep', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await api(dev.url, 'GET', `/v1/jobs/${encodeURIComponent(jobs.delayed)}`)).body.status).toBe('delayed');

    await cancel.click();
    await dialog.getByRole('button', { name: 'Cancel job', exact: true }).click();
    await waitForJob(dev.url, jobs.delayed, 'canceled');
    await cancel.waitFor({ state: 'hidden' });
    expect(await visibleText(page.locator('main'))).toContain('canceled');
  });

  it('the enqueue form: the API message for bad input; a good job runs to succeeded live on its page', async () => {
    const { page } = await browser.open(`${ui}#/jobs`);
    await heading(page, 'Jobs');
    const gate = join(dev.dir, 'enqueue-gate');
    const payload = { gate };
    const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Enqueue', exact: true }) });
    await form.getByLabel('Name', { exact: true }).fill('gated');
    await form.getByLabel('Tenant', { exact: true }).fill('acme');
    await form.getByLabel('Payload (JSON)', { exact: true }).fill(JSON.stringify(payload));
    await form.getByLabel('Priority', { exact: true }).fill('12');
    await form.getByRole('button', { name: 'Enqueue', exact: true }).click();
    const badPriority = await refusal(dev.url, 'POST', '/v1/jobs', {
      body: { name: 'gated', tenant: 'acme', payload, priority: 12 },
    });
    expect(badPriority).toMatch(/^priority/);
    await eventually(() => page.getByRole('alert').allInnerTexts()).toContainEqual(
      expect.stringContaining(badPriority),
    );
    expect(await listed('tenant=acme&name=gated')).toEqual([]);

    await form.getByLabel('Priority', { exact: true }).fill('6');
    await form.getByLabel('Tags (comma-separated)', { exact: true }).fill('ui, manual');
    await form.getByRole('button', { name: 'Enqueue', exact: true }).click();
    let id = '';
    await eventually(async () => {
      id = (await listed('tenant=acme&name=gated'))[0] ?? '';
      return id;
    }).not.toBe('');
    expect((await api(dev.url, 'GET', `/v1/jobs/${encodeURIComponent(id)}`)).body).toMatchObject({
      priority: 6,
      tags: ['ui', 'manual'],
      payload,
    });
    await jobLinks(page.locator('main'), id).first().click();
    await heading(page, `Job ${id}`);
    // The job runs until the test opens its gate: the page shows it active, then, without a
    // reload, from the event stream, its end.
    await waitForJob(dev.url, id, 'active');
    await eventually(() => visibleText(page.locator('main'))).toContain('active');
    writeFileSync(gate, 'open');
    await eventually(async () => (await visibleText(page.locator('main'))).replace(/\s+/g, '')).toContain(
      '"released":true',
    );
    expect(await visibleText(page.locator('main'))).toContain('succeeded');
  });

  it('live: events appear as jobs run, newest first; the tenant filter and Pause hold back others', async () => {
    const watched = await browser.open(`${ui}#/live`);
    const witness = await browser.open(`${ui}#/live`);
    for (const { page } of [watched, witness]) {
      await heading(page, 'Live');
      await eventually(() => liveStatus(page)).toBe('Connected');
    }
    const { page } = watched;
    const log = page.getByRole('log', { name: 'Events' });
    const rowsOf = (p: typeof page, id: string) =>
      p
        .getByRole('log', { name: 'Events' })
        .getByRole('listitem')
        .filter({ has: jobLinks(p, id) });

    const first = await enqueue(dev.url, { name: 'ok', tenant: 'live' });
    const second = await enqueue(dev.url, { name: 'slow', tenant: 'live', payload: { ms: 300 } });
    await waitForJob(dev.url, second, 'succeeded');
    for (const id of [first, second]) {
      await eventually(async () => (await rowsOf(page, id).allInnerTexts()).join('|')).toMatch(/succeeded/);
      const texts = await rowsOf(page, id).allInnerTexts();
      expect(texts).toHaveLength(3);
      expect(texts[0]).toContain('succeeded');
      expect(texts[1]).toContain('started');
      expect(texts[2]).toContain('enqueued');
      for (const text of texts) expect(text).toContain('live');
    }
    // Newest first: the second job's last event is above the first job's.
    const order = await linkedJobIds(log);
    expect(order.indexOf(second)).toBeLessThan(order.indexOf(first));

    // Filtered to tenant `live-b`, the list takes none of tenant `live`'s events.
    await page.getByLabel('Tenant', { exact: true }).fill('live-b');
    const other = await enqueue(dev.url, { name: 'ok', tenant: 'live' });
    const mine = await enqueue(dev.url, { name: 'ok', tenant: 'live-b' });
    await eventually(() => rowsOf(page, mine).count()).toBe(3);
    await eventually(() => rowsOf(witness.page, other).count()).toBe(3);
    expect(await rowsOf(page, other).count()).toBe(0);

    // Paused, the list stays as it is while events go by (the witness sees them).
    await page.getByLabel('Tenant', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('button', { name: 'Resume', exact: true }).waitFor();
    const held = await log.getByRole('listitem').count();
    const during = await enqueue(dev.url, { name: 'ok', tenant: 'live-b' });
    await eventually(() => rowsOf(witness.page, during).count()).toBe(3);
    expect(await log.getByRole('listitem').count()).toBe(held);
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    const after = await enqueue(dev.url, { name: 'ok', tenant: 'live-b' });
    await eventually(() => rowsOf(page, after).count()).toBe(3);
  });

  it('every page: named controls, Tab through the main nav, no sideways scroll on a phone; screenshots', async () => {
    const views = [
      { name: 'overview', hash: '#/', h1: 'Overview' },
      { name: 'schedules', hash: '#/schedules', h1: 'Schedules' },
      { name: 'schedule', hash: '#/schedules/default/dst-sundays', h1: 'Schedule dst-sundays' },
      { name: 'jobs', hash: '#/jobs', h1: 'Jobs' },
      { name: 'job', hash: `#/jobs/${encodeURIComponent(jobs.flaky)}`, h1: `Job ${jobs.flaky}` },
      { name: 'live', hash: '#/live', h1: 'Live' },
    ];
    // What each page shows once its data came: the screenshot waits for it.
    const loaded = {
      overview: (p: import('playwright-core').Page) =>
        p.getByRole('region', { name: 'Workers' }).getByText('dev-browser'),
      schedules: (p: import('playwright-core').Page) => p.getByRole('link', { name: 'dst-sundays', exact: true }),
      schedule: (p: import('playwright-core').Page) => p.getByText('DST shift').first(),
      jobs: (p: import('playwright-core').Page) => p.getByRole('button', { name: 'Load more' }),
      job: (p: import('playwright-core').Page) => p.getByRole('region', { name: 'Attempts' }).getByRole('row').nth(3),
      live: (p: import('playwright-core').Page) => p.getByRole('log', { name: 'Events' }).getByRole('listitem').first(),
    } as const;
    for (const viewport of ['desktop', 'phone'] as const) {
      const { page } = await browser.open(`${ui}#/`, viewport === 'phone' ? { viewport: PHONE } : {});
      for (const view of views) {
        await page.goto(`${ui}${view.hash}`);
        await heading(page, view.h1);
        if (view.name === 'live') {
          await eventually(() => liveStatus(page)).toBe('Connected');
          // A few jobs of each outcome, so the list shows what a busy cluster looks like.
          for (const job of [
            { name: 'ok', tenant: 'acme', payload: { from: 'screenshot' } },
            { name: 'fail', tenant: 'bolt' },
            { name: 'flaky', tenant: 'acme', maxAttempts: 3 },
            { name: 'slow', tenant: 'bolt', payload: { ms: 100 } },
          ])
            await enqueue(dev.url, job);
          await eventually(() =>
            page.getByRole('log', { name: 'Events' }).getByRole('listitem').count(),
          ).toBeGreaterThanOrEqual(14);
        }
        await loaded[view.name as keyof typeof loaded](page).waitFor();
        // The screenshot first: the keyboard check leaves a focus ring in the navigation.
        await screenshot(page, `${view.name}-${viewport}`);
        await checkPage(page, { phone: viewport === 'phone' });
      }
    }
  });
});
