// The built app (dist/app, written by `build`): one hashed script under the 200 KB budget
// (packages/dashboard/README.md "Size budget"), one hashed stylesheet, and an index.html
// that loads them from this origin only, with nothing inline for the CSP to refuse.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const APP_DIR = join(import.meta.dirname, '..', 'dist', 'app');
const BUDGET_BYTES = 200 * 1024;

function built(): string[] {
  if (!existsSync(join(APP_DIR, 'index.html'))) {
    throw new Error(
      `no built app in ${APP_DIR}: run the build first (pnpm build, or npm run build in packages/dashboard)`,
    );
  }
  return readdirSync(APP_DIR);
}

describe('the built dashboard', () => {
  it('has one script under 200 KB', () => {
    const scripts = built().filter((name) => name.endsWith('.js'));
    expect(scripts).toHaveLength(1);
    const body = readFileSync(join(APP_DIR, scripts[0] ?? ''));
    const gzip = gzipSync(body).length;
    process.stdout.write(
      `dashboard script ${scripts[0]}: ${(body.length / 1024).toFixed(1)} KB, ${(gzip / 1024).toFixed(1)} KB gzipped (budget 200 KB)\n`,
    );
    expect(body.length).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('loads its hashed files from its own origin, with nothing inline', () => {
    const names = built();
    const html = readFileSync(join(APP_DIR, 'index.html'), 'utf8');
    const script = names.find((name) => /^app-[0-9A-Z]{8,}\.js$/.test(name));
    const style = names.find((name) => /^app-[0-9A-Z]{8,}\.css$/.test(name));
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    expect(html).toContain(`<script type="module" src="${script}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="${style}">`);
    expect(names).toContain('icon.svg');
    // The CSP allows scripts and styles of this origin only: no inline ones, no other hosts.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    expect(html).not.toMatch(/https?:\/\//);
    const css = readFileSync(join(APP_DIR, style ?? ''), 'utf8');
    expect(css).not.toMatch(/url\(\s*['"]?(https?:)?\/\//);
    // Namespace names of SVG and MathML are not fetched; any other URL would be.
    const js = readFileSync(join(APP_DIR, script ?? ''), 'utf8');
    const urls = [...js.matchAll(/https?:\/\/[^\s"'`)]*/g)].map((match) => match[0]);
    expect(urls.filter((url) => !url.startsWith('http://www.w3.org/'))).toEqual([]);
  });

  it('is what dashboardFiles serves, the hashed files marked immutable', async () => {
    // The built Node side, which reads the files beside it (dist/app), as the server does.
    const { dashboardFiles } = (await import(
      pathToFileURL(join(import.meta.dirname, '..', 'dist', 'index.js')).href
    )) as typeof import('./index.js');
    const files = dashboardFiles();
    const names = built();
    expect([...files.keys()].sort()).toEqual([...names].sort());
    for (const [name, file] of files) {
      expect(file.immutable).toBe(name.startsWith('app-'));
    }
    expect(files.get('index.html')?.contentType).toBe('text/html; charset=utf-8');
  });
});
