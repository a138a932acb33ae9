/**
 * The browser side of the dashboard tests: one Debian Chromium per test file, pages that
 * record every error the app makes (a test fails in its afterEach when one appeared), and
 * screenshots for docs/screenshots. The tests find everything by role and accessible name,
 * as a screen reader would, never by CSS class.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { ROOT } from '../process/cadenza-process.js';

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;
/** The zone the test browser lives in: not the schedules' zone, so both columns differ. */
export const VIEWER_ZONE = 'America/New_York';

export interface AppPage {
  page: Page;
  context: BrowserContext;
  /** Everything that went wrong in the page so far: console errors, page errors, failed requests. */
  problems: string[];
  /** Lets problems matching `pattern` pass (a test that cuts the connection on purpose). */
  allow(pattern: RegExp): void;
}

export interface BrowserFile {
  readonly browser: Browser;
  /** Opens `url` in a new context (its own sessionStorage) and waits for the page's h1. */
  open(url: string, options?: { viewport?: { width: number; height: number } }): Promise<AppPage>;
}

/**
 * For a test file: launches Chromium before its tests and closes it after them; every page
 * opened by `open` is checked for problems after each test, then closed.
 */
export function browserPerFile(): BrowserFile {
  let browser: Browser | undefined;
  const pages = new Set<AppPage>();
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      // Chromium's own sandbox needs user namespaces, which the CI container (run as root)
      // does not give it: with the sandbox on, the launch fails with "Chromium sandboxing
      // failed". The page under test is our own app on 127.0.0.1, so running it unsandboxed
      // (--no-sandbox, which is what false means) costs no protection worth having here.
      chromiumSandbox: false,
    });
  }, 30_000);
  afterEach(async () => {
    const seen: string[] = [];
    for (const p of pages) {
      seen.push(...p.problems);
      await p.context.close();
    }
    pages.clear();
    expect(seen, 'console errors, page errors or failed requests of the app').toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser(): Browser {
      if (browser === undefined) throw new Error('the browser exists only while the file runs');
      return browser;
    },
    async open(url, { viewport = DESKTOP } = {}) {
      const context = await this.browser.newContext({ viewport, timezoneId: VIEWER_ZONE, locale: 'en-US' });
      // Actions and locator waits give up after 10 s: a page that does not show what the
      // contract names within that is broken, not slow.
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      const app = recordProblems(page, context, new URL(url).origin);
      pages.add(app);
      await page.goto(url);
      return app;
    },
  };
}

function recordProblems(page: Page, context: BrowserContext, origin: string): AppPage {
  const problems: string[] = [];
  const allowed: RegExp[] = [];
  const note = (problem: string) => {
    if (!allowed.some((pattern) => pattern.test(problem))) problems.push(problem);
  };
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Chromium logs every 4xx answer to a fetch as "Failed to load resource"; the app meets
    // 400, 401 and 403 in normal use (a bad cron, sign-in, a scope it lacks) and shows them
    // itself. Answers the server should never give are caught below, as 5xx responses.
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) return;
    note(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => note(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    if (!request.url().startsWith(origin)) return;
    const reason = request.failure()?.errorText ?? 'unknown';
    // An abort is the app's own choice (a fetch for a page left behind), not a failure.
    if (reason === 'net::ERR_ABORTED') return;
    note(`request failed: ${request.method()} ${request.url()} (${reason})`);
  });
  page.on('response', (response) => {
    if (response.url().startsWith(origin) && response.status() >= 500)
      note(`response ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return { page, context, problems, allow: (pattern) => allowed.push(pattern) };
}

/**
 * Where screenshots go: $CADENZA_SCREENSHOTS (relative to the repository root), else
 * <tmp>/cadenza-screenshots, overwritten by each run (there to look at after a failure).
 */
export function screenshotDir(): string {
  const wanted = process.env.CADENZA_SCREENSHOTS;
  const dir =
    wanted === undefined || wanted === ''
      ? join(tmpdir(), 'cadenza-screenshots')
      : isAbsolute(wanted)
        ? wanted
        : join(ROOT, wanted);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Saves the viewport as `<name>.png` (the whole page when `full`, for short pages). */
export async function screenshot(page: Page, name: string, { full = false } = {}): Promise<string> {
  const path = join(screenshotDir(), `${name}.png`);
  // A settled page: no focus ring left by an earlier keyboard check, and the caret and
  // animations frozen.
  await page.evaluate('document.activeElement?.blur()');
  await page.screenshot({ path, fullPage: full, animations: 'disabled', caret: 'hide' });
  return path;
}
