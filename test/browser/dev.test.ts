import { describe, expect, it } from 'vitest';
import { startDev } from '../process/cadenza-process.js';
import { checkPage } from './a11y.js';
import { PHONE, screenshot } from './browser.js';
import { BULK, browser, dev, jobs, ui } from './dev-fixture.js';
import { jobTests } from './dev-jobs.js';
import { scheduleTests } from './dev-schedules.js';
import { api, enqueue, waitForJob } from './nodes.js';
import {
  columns,
  dataRows,
  eventually,
  heading,
  jobLinks,
  linkedJobIds,
  liveStatus,
  rowTexts,
  visibleText,
} from './pages.js';

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

  scheduleTests();
  jobTests();
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
