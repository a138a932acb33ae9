// The dashboard of a real cluster in Debian's Chromium: redis-server, one `cadenza
// coordinator`, one `cadenza worker` and one `cadenza server` with a tokens file. Sign-in and
// scopes as a user meets them, the cluster overview, and the live list across a restart of
// the server (no event missed or shown twice). Build first (`npx -y pnpm@12.4.2 build`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../process/cadenza-process.js';
import { unnamedControls } from './a11y.js';
import { browserPerFile } from './browser.js';
import { api, type ClusterNodes, refusal, startClusterNodes, TOKENS, waitForJob } from './nodes.js';
import { eventually, heading, jobLinks, linkedJobIds, liveStatus, navigate, rowTexts, visibleText } from './pages.js';

const browser = browserPerFile();
let cluster: ClusterNodes;
let ui: string;
let gate: string;
const jobs = { held: '', acmeWaiting: '', acmeFailed: '', boltWaiting: '' };

beforeAll(async () => {
  // At most one `hold` job runs at once, counted in Redis: the first keeps worker-1's active
  // count at 1 and the others wait in their queues until a test opens the gate.
  cluster = await startClusterNodes(['--job-concurrency', '{"hold":1}']);
  ui = `${cluster.url}/ui/`;
  gate = join(cluster.dir, 'gate');
  const admin = TOKENS.admin;
  const post = async (job: Record<string, unknown>) =>
    (await api<{ id: string }>(cluster.url, 'POST', '/v1/jobs', { body: job, token: admin })).body.id;
  jobs.acmeFailed = await post({ name: 'fail', tenant: 'acme' });
  await waitForJob(cluster.url, jobs.acmeFailed, 'failed', admin);
  jobs.held = await post({ name: 'hold', tenant: 'ops', payload: { gate } });
  await waitForJob(cluster.url, jobs.held, 'active', admin);
  jobs.acmeWaiting = await post({ name: 'hold', tenant: 'acme', priority: 8, payload: { gate } });
  jobs.boltWaiting = await post({ name: 'hold', tenant: 'bolt', payload: { gate } });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

/** Signs in on the sign-in form with `token`. */
async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('API token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

describe('the dashboard of a cluster with tokens', { timeout: 60_000 }, () => {
  it('/ui/ needs no token; the API does, so the app asks for one and refuses a wrong one with the API message', async () => {
    expect((await fetch(ui)).status).toBe(200);
    expect((await api(cluster.url, 'GET', '/v1/cluster')).status).toBe(401);
    const { page } = await browser.open(ui);
    await page.getByLabel('API token', { exact: true }).waitFor();
    expect(await unnamedControls(page)).toEqual([]);
    const wrong = await refusal(cluster.url, 'GET', '/v1/cluster', { token: 'cz_not_a_token' });
    await signIn(page, 'cz_not_a_token');
    await eventually(() => page.getByRole('alert').allInnerTexts()).toContainEqual(expect.stringContaining(wrong));
    await page.getByLabel('API token', { exact: true }).waitFor();
    // A refused token is not kept.
    expect(await page.evaluate("sessionStorage.getItem('cadenza.token')")).toBeNull();
  });

  it('signed in, the token stays for the tab (sessionStorage) until "Sign out" forgets it', async () => {
    const { page } = await browser.open(ui);
    await signIn(page, TOKENS.admin);
    await heading(page, 'Overview');
    expect(await page.evaluate("sessionStorage.getItem('cadenza.token')")).toBe(TOKENS.admin);
    // The token stays for the tab's session: a reload does not ask again.
    await page.reload();
    await heading(page, 'Overview');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByLabel('API token', { exact: true }).waitFor();
    expect(await page.evaluate("sessionStorage.getItem('cadenza.token')")).toBeNull();
  });

  it('an admin sees the cluster: leader and epoch, the worker with its active job, waiting jobs per tenant and priority', async () => {
    const { page } = await browser.open(ui);
    await signIn(page, TOKENS.admin);
    await heading(page, 'Overview');
    const state = (
      await api<{
        leader: { id: string; epoch: number };
        queues: { tenant: string; priority: number; counts: Record<string, number> }[];
      }>(cluster.url, 'GET', '/v1/cluster', { token: TOKENS.admin })
    ).body;
    expect(state.leader.id).toBe('coord-1');
    const leader = page.getByRole('region', { name: 'Leader' });
    await eventually(() => visibleText(leader)).toContain('coord-1');
    expect(await visibleText(leader)).toContain(`epoch ${state.leader.epoch}`);
    const workers = page.getByRole('region', { name: 'Workers' }).getByRole('table');
    await eventually(async () => (await rowTexts(workers)).map((r) => r.slice(0, 3))).toEqual([
      ['worker-1', '1', '10'],
    ]);
    await eventually(() => visibleText(page.getByRole('region', { name: 'Coordinators' }))).toContain('coord-1');

    const queues = page.getByRole('region', { name: 'Queues' }).getByRole('table');
    const heads = (await queues.getByRole('columnheader').allTextContents()).map((h) => h.trim().toLowerCase());
    const waiting = heads.indexOf('waiting');
    expect(waiting).toBeGreaterThan(1);
    expect(state.queues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tenant: 'acme', priority: 8, counts: expect.objectContaining({ waiting: 1 }) }),
        expect.objectContaining({ tenant: 'bolt', priority: 5, counts: expect.objectContaining({ waiting: 1 }) }),
      ]),
    );
    const rows = await rowTexts(queues);
    expect(rows.find((r) => r[0] === 'acme' && r[1] === '8')?.[waiting]).toBe('1');
    expect(rows.find((r) => r[0] === 'bolt' && r[1] === '5')?.[waiting]).toBe('1');
  });

  it("a read-only acme token sees acme's jobs only, and Retry and Cancel show the API's 403", async () => {
    const { page } = await browser.open(`${ui}#/jobs`);
    await signIn(page, TOKENS.acmeReader);
    await heading(page, 'Jobs');
    const table = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Attempt' }) });
    await eventually(async () => (await linkedJobIds(table)).sort()).toEqual(
      [jobs.acmeFailed, jobs.acmeWaiting].sort(),
    );
    for (const row of await rowTexts(table)) expect(row[2]).toBe('acme');

    // The overview's cluster panel needs `admin`: the API's 403 message, in place.
    await navigate(page, 'Overview');
    const clusterRefusal = await refusal(cluster.url, 'GET', '/v1/cluster', { token: TOKENS.acmeReader });
    await eventually(() => visibleText(page.locator('main'))).toContain(clusterRefusal);

    await page.goto(`${ui}#/jobs/${encodeURIComponent(jobs.acmeFailed)}`);
    await heading(page, `Job ${jobs.acmeFailed}`);
    const retryRefusal = await refusal(cluster.url, 'POST', `/v1/jobs/${encodeURIComponent(jobs.acmeFailed)}/retry`, {
      token: TOKENS.acmeReader,
    });
    await page.getByRole('button', { name: 'Retry', exact: true }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /^Retry/ })
      .click();
    await eventually(() => page.getByRole('alert').allInnerTexts()).toContainEqual(
      expect.stringContaining(retryRefusal),
    );
    expect((await api(cluster.url, 'GET', `/v1/jobs/${jobs.acmeFailed}`, { token: TOKENS.admin })).body.status).toBe(
      'failed',
    );

    await page.goto(`${ui}#/jobs/${encodeURIComponent(jobs.acmeWaiting)}`);
    await heading(page, `Job ${jobs.acmeWaiting}`);
    const cancelRefusal = await refusal(cluster.url, 'DELETE', `/v1/jobs/${encodeURIComponent(jobs.acmeWaiting)}`, {
      token: TOKENS.acmeReader,
    });
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page
      .getByRole('dialog', { name: `Cancel job ${jobs.acmeWaiting}?` })
      .getByRole('button', { name: 'Cancel job', exact: true })
      .click();
    await eventually(() => page.getByRole('alert').allInnerTexts()).toContainEqual(
      expect.stringContaining(cancelRefusal),
    );
    expect((await api(cluster.url, 'GET', `/v1/jobs/${jobs.acmeWaiting}`, { token: TOKENS.admin })).body.status).toBe(
      'waiting',
    );

    // A bolt job is not there for this token: the page says so, as the API does (404).
    await page.goto(`${ui}#/jobs/${encodeURIComponent(jobs.boltWaiting)}`);
    const notFound = await refusal(cluster.url, 'GET', `/v1/jobs/${encodeURIComponent(jobs.boltWaiting)}`, {
      token: TOKENS.acmeReader,
    });
    await eventually(() => visibleText(page.locator('main'))).toContain(notFound);
  });

  it('live: the server restarts, the indicator goes Reconnecting… then Connected, and no event is lost or doubled', async () => {
    writeFileSync(gate, 'open');
    await waitForJob(cluster.url, jobs.held, 'succeeded', TOKENS.admin);
    const app = await browser.open(`${ui}#/live`);
    const { page } = app;
    await signIn(page, TOKENS.admin);
    await heading(page, 'Live');
    await eventually(() => liveStatus(page)).toBe('Connected');
    const rowsOf = (id: string) =>
      page
        .getByRole('log', { name: 'Events' })
        .getByRole('listitem')
        .filter({ has: jobLinks(page, id) });
    // Jobs are enqueued straight into Redis (the server is down for some of them), so their
    // events are the worker's: started and succeeded, two each.
    // An event from before the cut, so the app has an id to resume after.
    const [before = ''] = await cluster.enqueueInStore([{ name: 'ok', tenant: 'live' }]);
    await eventually(() => rowsOf(before).count()).toBe(2);

    // The server goes away: its stream ends, and every reconnect is refused until it is back.
    app.allow(/ERR_CONNECTION_REFUSED|ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET/);
    await cluster.killServer();
    await eventually(() => liveStatus(page)).toBe('Reconnecting…');
    const during = await cluster.enqueueInStore([
      { name: 'ok', tenant: 'live' },
      { name: 'ok', tenant: 'live' },
      { name: 'slow', tenant: 'live', payload: { ms: 200 } },
    ]);
    // The worker runs them with the server down; their events wait in Redis's event stream.
    await waitFor('the jobs enqueued during the outage to succeed', async () => {
      for (const id of during) if ((await cluster.store.getJob(id))?.status !== 'succeeded') return false;
      return true;
    });
    expect(await liveStatus(page)).toBe('Reconnecting…');

    await cluster.startServer();
    await eventually(() => liveStatus(page), 20_000).toBe('Connected');
    // Resumed after the last event it saw: each job's started and succeeded, once.
    for (const id of during) {
      await eventually(async () => (await rowsOf(id).allInnerTexts()).join('|')).toMatch(/succeeded/);
      const texts = await rowsOf(id).allInnerTexts();
      expect(texts.map((t) => /enqueued|started|succeeded/.exec(t)?.[0])).toEqual(['succeeded', 'started']);
    }
    expect(await rowsOf(before).count()).toBe(2);
    // And on after the reconnect.
    const [later = ''] = await cluster.enqueueInStore([{ name: 'ok', tenant: 'live' }]);
    await eventually(() => rowsOf(later).count()).toBe(2);
  });
});
