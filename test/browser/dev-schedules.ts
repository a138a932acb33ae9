import { expect, it } from 'vitest';
import { VIEWER_ZONE } from './browser.js';
import { BERLIN, browser, DST_CRON, dev, listed, offsetIn, SCHEDULES, ui, wallClock } from './dev-fixture.js';
import { api, refusal } from './nodes.js';
import { columns, dataRows, eventually, heading, jobLinks, navigate, rowTexts, visibleText } from './pages.js';

/** The tests of the Schedules pages (registered inside dev.test.ts's describe, on its shared `cadenza dev`). */
export function scheduleTests(): void {
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
}
