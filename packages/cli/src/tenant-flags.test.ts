import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { buildProgram } from './main.js';
import { openStore } from './store-url.js';
import { checkTenantFlags } from './tenant-flags.js';

const NOW = Date.UTC(2026, 0, 1);
const dir = mkdtempSync(join(tmpdir(), 'cadenza-cli-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--resources and --job-concurrency', () => {
  it('reads JSON objects, on the command line or from @FILE', () => {
    const file = join(dir, 'concurrency.json');
    writeFileSync(file, '{"report.build": 2}');
    expect(checkTenantFlags({ resources: '{"gpu":2,"db":10}', jobConcurrency: `@${file}` })).toEqual({
      resources: { gpu: 2, db: 10 },
      jobConcurrency: { 'report.build': 2 },
    });
    expect(checkTenantFlags({})).toEqual({});
  });

  it('refuses bad values with a usage error naming the flag and the bad entry', () => {
    expect(() => checkTenantFlags({ resources: '{"gpu":0}' })).toThrow(UsageError);
    expect(() => checkTenantFlags({ resources: '{"gpu":0}' })).toThrow(/^--resources: resources\.gpu: /);
    expect(() => checkTenantFlags({ jobConcurrency: '{"report.build":1.5}' })).toThrow(
      /^--job-concurrency: jobConcurrency\.report\.build: /,
    );
    expect(() => checkTenantFlags({ resources: '[1]' })).toThrow(
      '--resources: got [1], expected an object by resource name',
    );
    expect(() => checkTenantFlags({ jobConcurrency: '{gpu' })).toThrow(
      /^--job-concurrency: not JSON .*; expected an object by job name$/,
    );
    expect(() => checkTenantFlags({ resources: `@${join(dir, 'missing.json')}` })).toThrow(
      /^--resources: cannot read /,
    );
  });

  it('are flags of dev and worker, each with its environment variable and help text', () => {
    const program = buildProgram();
    for (const name of ['dev', 'worker']) {
      const command = program.commands.find((c) => c.name() === name);
      const options = new Map(command?.options.map((o) => [o.long, o]));
      expect(options.get('--resources')?.envVar).toBe('CADENZA_RESOURCES');
      expect(options.get('--job-concurrency')?.envVar).toBe('CADENZA_JOB_CONCURRENCY');
      expect(command?.helpInformation()).toMatch(/--resources <json>[\s\S]*--job-concurrency <json>/);
    }
  });

  it('reach the store it opens: a memory store holds a name to its concurrency', async () => {
    const store = await openStore('memory', checkTenantFlags({ jobConcurrency: '{"train":1}' }));
    const job = { tenant: 'acme', name: 'train', payload: null, priority: 5, tags: [], maxAttempts: 1 };
    await store.enqueue(
      [1, 2].map((n) => ({
        ...job,
        id: `acme:train-${n}`,
        dependsOn: [],
        backoff: undefined,
        timeoutMs: undefined,
        idempotencyKey: undefined,
        runAt: undefined,
        scheduleId: undefined,
        scheduledFor: undefined,
      })),
      NOW,
    );
    expect(await store.claim({ workerId: 'w1', limit: 10, leaseMs: 30_000, now: NOW })).toHaveLength(1);
    await store.close();
  });

  it('reach a file store too, which refuses a job asking more than a capacity', async () => {
    const store = await openStore(`json:${join(dir, 'state.json')}`, checkTenantFlags({ resources: '{"gpu":1}' }));
    await expect(
      store.enqueue(
        [
          {
            id: 'acme:big',
            tenant: 'acme',
            name: 'train',
            payload: null,
            priority: 5,
            tags: [],
            maxAttempts: 1,
            dependsOn: [],
            backoff: undefined,
            timeoutMs: undefined,
            idempotencyKey: undefined,
            runAt: undefined,
            scheduleId: undefined,
            scheduledFor: undefined,
            resources: { gpu: 2 },
          },
        ],
        NOW,
      ),
    ).rejects.toMatchObject({ code: 'invalid_argument', field: 'resources.gpu' });
    await store.close();
  });
});
