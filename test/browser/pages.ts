/**
 * Small readers of the dashboard's pages, by role and accessible name (the names are the
 * dashboard contract's): headings, tables, the job links in them, and polling waits.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** `expect.poll` with the deadline the browser tests use (the app refreshes within seconds). */
export function eventually<T>(read: () => Promise<T> | T, timeout = 15_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

/** Waits for the page's h1 to read `name` exactly. */
export async function heading(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
}

/** Follows the main navigation's link `name` and waits for that page's h1. */
export async function navigate(page: Page, name: 'Overview' | 'Schedules' | 'Jobs' | 'Live'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
  await heading(page, name);
}

/** A table's column header texts, in order, once the table is on the page (it renders after its data loads). */
export async function columns(table: Locator): Promise<string[]> {
  await table.first().waitFor();
  return (await table.getByRole('columnheader').allTextContents()).map((text) => text.trim());
}

/** A table's rows that hold data cells (not its header row). */
export function dataRows(table: Locator): Locator {
  return table.getByRole('row').filter({ has: table.page().getByRole('cell') });
}

/** The cell texts of each data row. */
export async function rowTexts(table: Locator): Promise<string[][]> {
  const rows = dataRows(table);
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++)
    out.push((await rows.nth(i).getByRole('cell').allTextContents()).map((text) => text.trim()));
  return out;
}

/** The ids of the jobs a region or table links to (`#/jobs/<id>`), in page order. */
export async function linkedJobIds(scope: Locator): Promise<string[]> {
  const hrefs = await scope
    .locator('a[href*="#/jobs/"]')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  return hrefs.map((href) => decodeURIComponent(href.slice(href.indexOf('#/jobs/') + '#/jobs/'.length)));
}

/** The text of `locator` as the page renders it (hidden parts left out): what a user reads. */
export function visibleText(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text; textContent would read hidden parts too
  return locator.innerText();
}

/** The text of the live-connection indicator. */
export function liveStatus(page: Page): Promise<string> {
  return visibleText(page.getByRole('status', { name: 'Live updates' }));
}

/** The links in `scope` to the job `id` (`#/jobs/<id>`, its id encoded or not). */
export function jobLinks(scope: Locator | Page, id: string): Locator {
  return scope.locator(`a[href$="#/jobs/${encodeURIComponent(id)}"], a[href$="#/jobs/${id}"]`);
}
