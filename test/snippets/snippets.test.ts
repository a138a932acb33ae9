// Every code block of README.md, the packages' READMEs and docs/ runs as printed and exits by
// itself (see markdown-snippets.ts for the markers that say how). The only changes made to a
// snippet before it runs are addresses: redis://127.0.0.1:6379 becomes the test's own
// redis-server, localhost:8080 the address of the test's `cadenza dev`, and where no dev
// runs, port 8080 a free port (this machine may have a server of its own there).
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type Cadenza, ROOT, startCadenza, startDev } from '../process/cadenza-process.js';
import { projectSnippets, type Snippet } from './markdown-snippets.js';
import { loadModule, type Ran, runJavaScript, runShell, SNIPPET_TIMEOUT_MS, scratchFolder } from './run-snippet.js';

const snippets = projectSnippets(ROOT);
const runnable = (s: Snippet) => s.kind !== undefined && s.kind !== 'skip';
const EXAMPLES = join(ROOT, 'examples');

let scratch: string;
beforeAll(() => {
  assertBuilt();
  scratch = scratchFolder();
});
afterAll(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe('the code blocks of the docs', () => {
  it('each say how they run (<!-- snippet: node|redis|dev|module|skip: reason -->)', () => {
    expect(snippets.length).toBeGreaterThan(10);
    expect(snippets.filter((s) => s.kind === undefined).map((s) => s.where)).toEqual([]);
  });

  it('are skipped only with a reason', () => {
    expect(snippets.filter((s) => s.kind === 'skip' && s.reason === '').map((s) => s.where)).toEqual([]);
  });

  it('that run are JavaScript, shell or JSON (TypeScript would need a build a reader does not have)', () => {
    const typescript = snippets.filter((s) => runnable(s) && (s.lang === 'ts' || s.lang === 'typescript'));
    expect(typescript.map((s) => s.where)).toEqual([]);
  });
});

/** A run that ended by itself with status 0 and printed no API error. */
function expectClean(s: Snippet, ran: Ran): void {
  const output = `${s.where}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`;
  expect(ran.hung, `did not exit by itself within ${SNIPPET_TIMEOUT_MS} ms: ${output}`).toBe(false);
  expect(ran.code, output).toBe(0);
  expect(ran.stdout, output).not.toMatch(/"error":\{"code"/);
}

async function run(s: Snippet, code: string, env: Record<string, string> = {}): Promise<void> {
  if (s.lang === 'json') {
    expect(() => JSON.parse(code), s.where).not.toThrow();
    return;
  }
  const isShell = ['sh', 'bash', 'shell', 'console'].includes(s.lang);
  expectClean(s, isShell ? await runShell(scratch, code, env) : await runJavaScript(scratch, code, env));
}

const TIMEOUT = SNIPPET_TIMEOUT_MS + 10_000;

describe('node snippets run by themselves', () => {
  for (const s of snippets.filter((s) => s.kind === 'node')) it(s.where, () => run(s, s.code), TIMEOUT);
});

describe('module snippets load and have a default export', () => {
  for (const s of snippets.filter((s) => s.kind === 'module')) {
    it(s.where, async () => expectClean(s, await loadModule(scratch, s.code)), TIMEOUT);
  }
});

describe('redis snippets run against a redis-server that a coordinator and a worker serve', () => {
  const these = snippets.filter((s) => s.kind === 'redis');
  let redis: RedisHarness;
  const nodes: Cadenza[] = [];
  beforeAll(async () => {
    if (these.length === 0) return;
    redis = await startRedis();
    const flags = ['--redis', redis.url, '--log-level', 'warn'];
    nodes.push(await startCadenza('coordinator', flags));
    nodes.push(await startCadenza('worker', [...flags, '--handlers', join(EXAMPLES, 'handlers.mjs')]));
  }, 30_000);
  afterAll(async () => {
    for (const node of nodes) await node.stop('SIGTERM');
    await redis?.stop();
  });
  for (const s of these) {
    it(
      s.where,
      async () => {
        const code = s.code
          .replaceAll('redis://127.0.0.1:6379', redis.url)
          .replace(/\b8080\b/g, String(await freePort()));
        await run(s, code);
      },
      TIMEOUT,
    );
  }
});

describe('dev snippets run against cadenza dev with the examples', () => {
  const these = snippets.filter((s) => s.kind === 'dev');
  let dev: Cadenza;
  let store: string;
  beforeAll(async () => {
    if (these.length === 0) return;
    store = `sqlite:${join(scratch, 'dev', 'cadenza.db')}`;
    dev = await startDev([
      '--store',
      store,
      '--handlers',
      join(EXAMPLES, 'handlers.mjs'),
      '--schedules',
      join(EXAMPLES, 'schedules.json'),
      '--log-level',
      'warn',
    ]);
  }, 30_000);
  afterAll(async () => {
    await dev?.stop('SIGTERM');
  });
  for (const s of these) {
    it(
      s.where,
      () => {
        const address = new URL(dev.url).host;
        const code = s.code.replaceAll('localhost:8080', address).replaceAll('127.0.0.1:8080', address);
        // The admin verbs read the store the dev runs on, as they would read its default one.
        return run(s, code, { CADENZA_STORE: store });
      },
      TIMEOUT,
    );
  }
});

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
