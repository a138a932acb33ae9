// The dashboard's job pages on the shared `cadenza dev`: filters, paging, a job's page, its
// actions (retry, cancel) and the enqueue form.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BULK, browser, dev, jobs, listed, ui } from './dev-fixture.js';
import { api, refusal, waitForJob } from './nodes.js';
import { columns, dataRows, eventually, heading, jobLinks, linkedJobIds, rowTexts, visibleText } from './pages.js';

/** The tests of the Jobs pages (registered inside dev.test.ts's describe, on its shared `cadenza dev`). */
export function jobTests(): void {
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
}
