// The dashboard as `cadenza dev` serves it: on by default at /ui/, its address printed on
// start, and off with --no-ui or CADENZA_NO_UI. Build first (`npx -y pnpm@12.4.2 build`):
// these tests run dist/bin.js, and the server reads packages/dashboard/dist/app.
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type Cadenza, startDev } from './cadenza-process.js';
import { killAfterEach } from './sandbox.js';

const QUIET = ['--store', 'memory', '--log-level', 'warn', '--shutdown-timeout-ms', '300'];
const track = killAfterEach();

beforeAll(() => {
  assertBuilt();
});

async function dev(args: readonly string[], env: Record<string, string> = {}): Promise<Cadenza> {
  const node = await startDev([...QUIET, ...args], env);
  track(node);
  return node;
}

/** A GET that does not follow redirects. */
const get = (node: Cadenza, path: string) => fetch(`${node.url}${path}`, { redirect: 'manual' });

describe('cadenza dev and the dashboard', () => {
  it('serves the dashboard at /ui/ by default and prints its address', async () => {
    const node = await dev([]);
    const moved = await get(node, '/ui');
    expect(moved.status).toBe(308);
    expect(moved.headers.get('location')).toBe('/ui/');
    const page = await get(node, '/ui/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    // Every script and style the page names is served, to be cached forever.
    const assets = [...html.matchAll(/(?:src|href)="(?:\/ui\/|\.\/)?(app-[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      const response = await get(node, `/ui/${asset}`);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    expect((await get(node, '/ui/no-such-file.js')).status).toBe(404);
    expect(node.stdout).toContain(`dashboard: ${node.url}/ui/`);
    expect(await node.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('serves no dashboard with --no-ui, and prints no address; the API is served as before', async () => {
    const node = await dev(['--no-ui']);
    expect((await get(node, '/ui/')).status).toBe(404);
    expect((await get(node, '/ui')).status).toBe(404);
    expect((await get(node, '/v1/jobs')).status).toBe(200);
    expect(node.stdout.some((line) => line.startsWith('dashboard:'))).toBe(false);
  }, 30_000);

  it('serves no dashboard with CADENZA_NO_UI set', async () => {
    const node = await dev([], { CADENZA_NO_UI: '1' });
    expect((await get(node, '/ui/')).status).toBe(404);
  }, 30_000);
});
