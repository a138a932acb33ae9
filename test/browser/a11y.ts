/**
 * Checks every page of the dashboard gets: each control has an accessible name, Tab walks
 * the main navigation in order, and a phone-wide viewport has no sideways page scroll.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Roles a user acts on; each must have a name a screen reader can read out. */
const CONTROLS = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'combobox',
  'listbox',
  'checkbox',
  'radio',
  'spinbutton',
  'slider',
  'switch',
  'tab',
  'menuitem',
]);

/** The controls on the page without an accessible name, as lines of its ARIA snapshot. */
export async function unnamedControls(page: Page): Promise<string[]> {
  // The ARIA snapshot is the accessibility tree as Chromium computes it: `- role "name"`,
  // or `- role` alone (maybe followed by `:` and a value) when the name is empty.
  const snapshot = await page.locator('body').ariaSnapshot();
  const unnamed: string[] = [];
  for (const line of snapshot.split('\n')) {
    const match = /^\s*- ([a-z]+)(?: "((?:[^"\\]|\\.)*)")?/.exec(line);
    if (match?.[1] === undefined || !CONTROLS.has(match[1])) continue;
    if ((match[2] ?? '').trim() === '') unnamed.push(line.trim());
  }
  return unnamed;
}

/** The accessible names of the main navigation's links, in the order Tab reaches them. */
export async function tabOrderOfNav(page: Page, presses = 40): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  const navLinks = await nav.getByRole('link').allTextContents();
  // Start from the top of the document, as a keyboard user arriving at the page does: the
  // first focusable element (the app may have put focus on its h1, further down).
  await page.evaluate(
    `document.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')?.focus()`,
  );
  const reached: string[] = [];
  for (let i = 0; i < presses && reached.length < navLinks.length; i++) {
    if (i > 0) await page.keyboard.press('Tab');
    // The focused element's text when it is a link of a nav, else null.
    const name = (await page.evaluate(
      `(() => { const el = document.activeElement;
        return el?.closest('nav') && el.tagName === 'A' ? el.textContent.trim() : null })()`,
    )) as string | null;
    if (name !== null && !reached.includes(name)) reached.push(name);
  }
  return reached;
}

/** How far the page scrolls sideways beyond the viewport (0 when it does not). */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(
    'Math.max(0, (document.scrollingElement ?? document.documentElement).scrollWidth - window.innerWidth)',
  ) as Promise<number>;
}

/** Every check above, for the page as it stands. */
export async function checkPage(page: Page, { phone = false } = {}): Promise<void> {
  expect(await unnamedControls(page), `controls without a name on ${page.url()}`).toEqual([]);
  if (phone) expect(await sidewaysOverflow(page), `sideways scroll on ${page.url()}`).toBe(0);
  else expect(await tabOrderOfNav(page)).toEqual(['Overview', 'Schedules', 'Jobs', 'Live']);
}
