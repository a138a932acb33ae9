// Secrets never reach logs or metrics: a coordinator, a worker and an API server on a
// redis-server that requires a password, given as `redis://:PASSWORD@…` (by flag, and to
// the worker through CADENZA_REDIS, where its handlers can read it), with a token in the
// environment. A handler logs both and fails with the URL in its error; a bad password
// makes an admin verb fail. Nothing any process writes — stdout, stderr, `/metrics`,
// `/readyz`, `/v1/cluster` — contains the password or the token, and the handler's lines
// show `[redacted]` where they were. Build first; these tests run dist/bin.js.
import { join } from 'node:path';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  type Cadenza,
  enqueue,
  FIXTURE,
  runCli,
  startCadenza,
  waitFor,
  waitForStatus,
} from './cadenza-process.js';

const PASSWORD = 's3cret-pass';
const TOKEN = 'tok-9f8e7d6c5b4a';
const HANDLERS = join(FIXTURE, 'metrics-handlers.mjs');
// debug: as many lines as the processes ever write, so that a leak has every chance to show.
const COMMON = ['--log-level', 'debug', '--report-every-ms', '200'];

let redis: RedisHarness;
const nodes: Cadenza[] = [];

beforeAll(async () => {
  assertBuilt();
  redis = await startRedis({ password: PASSWORD });
});

afterAll(async () => {
  for (const node of nodes) if (node.proc.exitCode === null) await node.stop('SIGKILL');
  await redis?.stop();
});

function expectNoSecret(where: string, text: string): void {
  for (const secret of [PASSWORD, TOKEN]) {
    if (text.includes(secret)) throw new Error(`${where} contains the secret ${secret}:\n${text}`);
  }
}

describe('secrets in logs and metrics', () => {
  it('no log line, metric or health answer of any process contains the Redis password or a token', async () => {
    const env = { CADENZA_API_TOKEN: TOKEN };
    const coordinator = await startCadenza('coordinator', ['--redis', redis.url, ...COMMON], {
      ...env,
      CADENZA_ID: 'c1',
    });
    nodes.push(coordinator);
    const worker = await startCadenza('worker', ['--handlers', HANDLERS, ...COMMON], {
      ...env,
      CADENZA_ID: 'w1',
      CADENZA_REDIS: redis.url,
    });
    nodes.push(worker);
    const server = await startCadenza('server', ['--redis', redis.url, ...COMMON], { ...env, CADENZA_ID: 's1' });
    nodes.push(server);

    const ok = await enqueue(server, { name: 'ok' });
    const leak = await enqueue(server, { name: 'leak' });
    await waitForStatus(server, ok, 'succeeded');
    await waitForStatus(server, leak, 'failed');
    // The handler's two lines were written (redacted), so the check below is not vacuous.
    await waitFor('the leak handler to log', () => worker.stdout.filter((l) => l.includes('leak:')).length >= 2);
    const leakLines = worker.stdout.filter((l) => l.includes('leak:'));
    for (const line of leakLines) expect(line).toContain('[redacted]');
    // Every line about the job names it fully: id, name, tenant and attempt.
    expect(JSON.parse(leakLines[0] ?? '{}')).toMatchObject({
      jobId: leak,
      name: 'leak',
      tenant: 'default',
      attempt: 1,
    });

    // A wrong password: an admin verb and a worker each fail with one line that does not repeat it.
    const wrong = `redis://:${PASSWORD}-wrong@127.0.0.1:${redis.port}`;
    for (const args of [
      ['jobs', '--redis', wrong],
      ['worker', '--redis', wrong, '--handlers', HANDLERS],
    ]) {
      const refused = await runCli(args);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /^cadenza: --redis redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: does not answer: WRONGPASS/,
      );
      expectNoSecret(`the refused ${args[0]}`, refused.stdout + refused.stderr);
    }

    for (const [name, node] of [
      ['coordinator', coordinator],
      ['worker', worker],
      ['server', server],
    ] as const) {
      for (const path of ['/metrics', '/readyz', '/healthz']) {
        const response = await fetch(`${node.url}${path}`);
        expectNoSecret(`${name} ${path}`, await response.text());
      }
    }
    expectNoSecret('/v1/cluster', JSON.stringify((await server.http('GET', '/v1/cluster')).body));

    for (const node of nodes) expect(await node.stop()).toEqual({ code: 0, signal: null });
    nodes.forEach((node, i) => {
      expectNoSecret(`stdout of process ${i}`, node.stdout.join('\n'));
      expectNoSecret(`stderr of process ${i}`, node.stderr());
    });
  }, 60_000);
});
