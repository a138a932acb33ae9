// The API's tokens as an operator runs them: `cadenza dev` and `cadenza server` with
// --tokens-file, rotation by SIGHUP, and what a server without tokens refuses to do.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashToken } from '@cadenza/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, type Cadenza, runCli, startDev, waitFor } from './cadenza-process.js';

let dir: string;
const nodes = new Set<Cadenza>();

beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'cadenza-tokens-'));
});
afterEach(async () => {
  for (const node of nodes) await node.stop();
  nodes.clear();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tokensFile(
  name: string,
  tokens: { name: string; token: string; tenants: string[] | '*'; scopes: string[] }[],
) {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      tokens: tokens.map((t) => ({ name: t.name, sha256: hashToken(t.token), tenants: t.tenants, scopes: t.scopes })),
    }),
  );
  return path;
}

async function call(node: Cadenza, token: string | undefined, method: string, path: string, body?: unknown) {
  const response = await fetch(`${node.url}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('tokens, as an operator runs them', () => {
  it('cadenza dev --tokens-file: 401 without a token, a tenant token runs its own jobs only, SIGHUP rotates', async () => {
    const path = tokensFile('tokens.json', [
      { name: 'acme-app', token: 'cz_acme_1', tenants: ['acme'], scopes: ['read', 'write'] },
    ]);
    const node = await startDev(['--tokens-file', path, '--handlers', 'examples/handlers.mjs']);
    nodes.add(node);
    const job = { name: 'email.send', tenant: 'acme', payload: { to: 'ada@example.com' } };
    expect((await call(node, undefined, 'POST', '/v1/jobs', job)).status).toBe(401);
    const created = await call(node, 'cz_acme_1', 'POST', '/v1/jobs', job);
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    await waitFor(
      'the job to succeed',
      async () => (await call(node, 'cz_acme_1', 'GET', `/v1/jobs/${id}`)).body.status === 'succeeded',
    );
    expect((await call(node, 'cz_acme_1', 'POST', '/v1/jobs', { ...job, tenant: 'bolt' })).status).toBe(403);

    // Rotation: the file now holds a new token only; SIGHUP, and the old one is refused.
    tokensFile('tokens.json', [{ name: 'acme-app', token: 'cz_acme_2', tenants: ['acme'], scopes: ['read'] }]);
    node.proc.kill('SIGHUP');
    await waitFor('the file to be read again', () => node.stderr().includes('read again, 1 tokens'));
    expect((await call(node, 'cz_acme_1', 'GET', `/v1/jobs/${id}`)).status).toBe(401);
    expect((await call(node, 'cz_acme_2', 'GET', `/v1/jobs/${id}`)).body.status).toBe('succeeded');
    expect((await call(node, 'cz_acme_2', 'POST', '/v1/jobs', job)).status).toBe(403);

    // A broken file on SIGHUP changes nothing: the tokens read before stay.
    writeFileSync(path, '{"tokens": [');
    node.proc.kill('SIGHUP');
    await waitFor('the refusal to read it', () => node.stderr().includes('not read again'));
    expect((await call(node, 'cz_acme_2', 'GET', `/v1/jobs/${id}`)).status).toBe(200);
  });

  it('cadenza token create prints a token once and the entry that makes a server accept it', async () => {
    const made = await runCli([
      'token',
      'create',
      '--name',
      'billing-writer',
      '--tenants',
      'billing',
      '--scope',
      'read,write',
    ]);
    expect(made.code).toBe(0);
    const token = /^token: (cz_\S+)$/m.exec(made.stdout)?.[1];
    const entry = JSON.parse(made.stdout.trim().split('\n').at(-1) ?? '');
    expect(token).toBeDefined();
    expect(entry).toEqual({
      name: 'billing-writer',
      tenants: ['billing'],
      scopes: ['read', 'write'],
      sha256: hashToken(token ?? ''),
    });
    const path = join(dir, 'made.json');
    writeFileSync(path, JSON.stringify({ tokens: [entry] }));
    const node = await startDev(['--tokens-file', path]);
    nodes.add(node);
    expect((await call(node, token, 'POST', '/v1/jobs', { name: 'a.job', tenant: 'billing' })).status).toBe(201);
    expect((await call(node, token, 'POST', '/v1/jobs', { name: 'a.job', tenant: 'other' })).status).toBe(403);
    const refused = await runCli(['token', 'create', '--name', 'x', '--tenants', 'billing', '--scope', 'root']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--scope: got "root"');
  });

  it('a server without tokens will not listen on a reachable address unless --insecure', async () => {
    const refused = await runCli(['dev', '--port', '0', '--host', '0.0.0.0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--host 0.0.0.0: other machines can reach this address and the API has no tokens');
    const insecure = await startDev(['--host', '0.0.0.0', '--insecure']);
    nodes.add(insecure);
    expect((await call(insecure, undefined, 'POST', '/v1/jobs', { name: 'email.send' })).status).toBe(201);
  });

  it('CADENZA_METRICS_TOKEN closes /metrics to scrapers without it; health stays open', async () => {
    const secret = 'metrics-secret-0123456789';
    const node = await startDev([], { CADENZA_METRICS_TOKEN: secret });
    nodes.add(node);
    const scrape = (authorization?: string) =>
      fetch(`${node.url}/metrics`, authorization === undefined ? {} : { headers: { authorization } });
    expect((await scrape()).status).toBe(401);
    expect((await scrape('Bearer not-the-secret-at-all')).status).toBe(401);
    const allowed = await scrape(`Bearer ${secret}`);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('cadenza_jobs_enqueued_total');
    expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
    const short = await runCli(['dev', '--port', '0', '--metrics-token', 'short']);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('--metrics-token: expected at least 16 characters');
  });

  it('a bad tokens file stops the command at start, naming the entry', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ tokens: [{ name: 'x', sha256: 'nothex', tenants: '*', scopes: ['read'] }] }));
    const result = await runCli(['dev', '--port', '0', '--tokens-file', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('tokens[0].sha256');
  });

  it('without tokens on loopback, a request addressed to another name is refused (DNS rebinding)', async () => {
    const node = await startDev([]);
    nodes.add(node);
    const port = new URL(node.url).port;
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/v1/jobs', method: 'GET', headers: { host: `attacker.example:${port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect((await call(node, undefined, 'GET', '/v1/jobs')).status).toBe(200);
  });
});
