// cadenza as a user outside this repository gets it: every package packed with pnpm (which
// turns `workspace:*` into real versions), the tarballs installed with plain npm into an
// empty folder under the system's temp directory, and then, from that folder, the installed
// `cadenza` command run through npx (single-node mode, then a small cluster on a real
// redis-server) and a script of the folder's own that enqueues through @cadenza/client.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type Cadenza, ROOT, startCommand, waitFor, waitForStatus } from '../process/cadenza-process.js';
import { startPrebuildMirror } from './sqlite-prebuild.js';

const run = promisify(execFile);
const PNPM = ['-y', 'pnpm@12.4.2'];
const PACKAGES = readdirSync(join(ROOT, 'packages'));

let dir: string;
let app: string;
let tarballs: string[];
const running = new Set<Cadenza>();

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'cadenza-install-'));
  // An install inside the workspace would find its node_modules: the folder must be outside.
  expect(relative(ROOT, dir).startsWith('..')).toBe(true);
  const packs = join(dir, 'packs');
  mkdirSync(packs);
  // The README's command ("Install"), with the tarballs written here.
  await run('npx', [...PNPM, '-r', '--filter', './packages/*', 'pack', '--pack-destination', packs], { cwd: ROOT });
  tarballs = readdirSync(packs).map((file) => join(packs, file));
  app = join(dir, 'my-service');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-service', private: true, type: 'module' }));
  writeFileSync(
    join(app, 'handlers.mjs'),
    "export default { 'email.send': async (job) => ({ sent: job.payload.to }) };\n",
  );
  // Plain npm, as a user's service would depend on cadenza; better-sqlite3's binary comes
  // from a mirror of the one the workspace built (sqlite-prebuild.ts says why).
  const mirror = await startPrebuildMirror(join(ROOT, 'packages', 'store-sqlite'), dir);
  try {
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], {
      cwd: app,
      timeout: 600_000,
      env: { ...process.env, ...mirror.env },
    });
  } finally {
    await mirror.close();
  }
}, 660_000);

afterEach(async () => {
  for (const node of running) {
    if (node.proc.exitCode === null && node.proc.signalCode === null) process.kill(-(node.proc.pid ?? 0), 'SIGKILL');
    await node.exited;
  }
  running.clear();
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function npxCadenza(role: 'dev' | 'worker' | 'coordinator', args: readonly string[]): Promise<Cadenza> {
  const node = await startCommand(role, 'npx', ['--no-install', 'cadenza', role, '--port', '0', ...args], {
    cwd: app,
    group: true,
  });
  running.add(node);
  return node;
}

/**
 * Ctrl-C, as in the terminal that ran `npx cadenza …`: SIGINT to npx and cadenza together.
 * npx ends by the signal itself; cadenza shuts down, and then nothing answers at its address.
 */
async function interrupt(node: Cadenza): Promise<void> {
  await node.stop('SIGINT');
  await waitFor(`${node.url} to stop answering`, async () => {
    try {
      await fetch(`${node.url}/healthz`);
      return false;
    } catch {
      return true;
    }
  });
}

describe('packed packages', () => {
  it('name real versions of each other, never workspace ranges, and carry a README and the LICENSE', async () => {
    expect(tarballs).toHaveLength(PACKAGES.length);
    for (const tarball of tarballs) {
      const { stdout: manifest } = await run('tar', ['-xzOf', tarball, 'package/package.json']);
      expect(manifest, tarball).not.toContain('workspace:');
      const { stdout: files } = await run('tar', ['-tzf', tarball]);
      expect(files.split('\n'), tarball).toEqual(
        expect.arrayContaining(['package/README.md', 'package/LICENSE', 'package/dist/index.js']),
      );
      expect(files, tarball).not.toMatch(/\.test\.(ts|js)\b/);
    }
  });
});

describe('installed with npm outside the workspace', () => {
  it('npx cadenza dev serves the API on a SQLite file of the folder and runs its handlers', async () => {
    const dev = await npxCadenza('dev', ['--store', 'sqlite:./data/cadenza.db', '--handlers', './handlers.mjs']);
    const created = await dev.http<{ id: string }>('POST', '/v1/jobs', {
      name: 'email.send',
      payload: { to: 'ada@example.com' },
    });
    expect(created.status).toBe(201);
    const job = await waitForStatus(dev, created.body.id, 'succeeded');
    expect(job.result).toEqual({ sent: 'ada@example.com' });
    await interrupt(dev);
    expect(readdirSync(join(app, 'data'))).toContain('cadenza.db');
  }, 60_000);

  describe('a cluster on Redis', () => {
    let redis: RedisHarness;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });

    it("runs a coordinator and a worker with the folder's handlers, and a script enqueues and waits through @cadenza/client", async () => {
      const prefix = redis.prefix();
      const flags = ['--redis', redis.url, '--prefix', prefix];
      await npxCadenza('coordinator', flags);
      await npxCadenza('worker', [...flags, '--handlers', './handlers.mjs']);
      writeFileSync(
        join(app, 'enqueue.mjs'),
        [
          "import { createClient } from '@cadenza/client';",
          'const [url, prefix] = process.argv.slice(2);',
          'const client = createClient({ url, prefix });',
          "const { id } = await client.enqueue({ name: 'email.send', payload: { to: 'grace@example.com' } });",
          'const job = await client.waitFor(id, { timeoutMs: 30_000 });',
          'console.log(JSON.stringify({ status: job.status, result: job.result }));',
          'await client.close();',
          '',
        ].join('\n'),
      );
      const { stdout } = await run(process.execPath, ['enqueue.mjs', redis.url, prefix], {
        cwd: app,
        timeout: 40_000,
      });
      expect(JSON.parse(stdout)).toEqual({ status: 'succeeded', result: { sent: 'grace@example.com' } });
      for (const node of running) await interrupt(node);
    }, 60_000);
  });
});
