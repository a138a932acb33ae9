import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@cadenza/core';
import { afterAll, describe, expect, it } from 'vitest';
import { LineBuffer } from './log-destination.js';
import { CENSORED, censorSecretKeys } from './log-keys.js';
import { createLogger } from './logger.js';
import { prettyLine } from './pretty-log.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const dir = mkdtempSync(join(tmpdir(), 'cadenza-logger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A process logger whose finished lines are kept rather than written. */
function logTo(options: { level?: string; secrets?: string[]; pretty?: boolean; clock?: FakeClock } = {}) {
  const lines: string[] = [];
  const log = createLogger({
    clock: options.clock ?? new FakeClock(T0),
    level: options.level ?? 'info',
    base: { node: 'n1', role: 'worker' },
    secrets: options.secrets ?? [],
    pretty: options.pretty ?? false,
    destination: { write: (line) => void lines.push(line) },
  });
  return { log, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('createLogger', () => {
  it('writes one JSON line per entry at or above its level, timed by its clock', async () => {
    const clock = new FakeClock(T0);
    const { log, entries } = logTo({ level: 'warn', clock });
    log.info({ jobId: 'j1' }, 'job succeeded');
    log.warn({ jobId: 'j2' }, 'job failed, will retry');
    await clock.advance(1);
    log.error({ jobId: 'j3' }, 'job failed');
    // The time is the clock's, in ISO-8601 UTC; a new millisecond gives a new time.
    expect(entries().map((e) => e.time)).toEqual([new Date(T0).toISOString(), new Date(T0 + 1).toISOString()]);
    expect(entries().map((e) => [e.level, e.msg, e.jobId, e.node, e.role])).toEqual([
      [40, 'job failed, will retry', 'j2', 'n1', 'worker'],
      [50, 'job failed', 'j3', 'n1', 'worker'],
    ]);
  });

  it('censors keys that name a credential, at any depth, and leaves other lines as pino wrote them', () => {
    const { log, lines, entries } = logTo();
    log.info({ password: 'p1', config: { token: 't1', deeper: [{ authorization: 'Bearer x' }] }, other: 'kept' }, 'm');
    log.info({ note: 'the "password": field is named in this text' }, 'plain');
    const [censored, plain] = entries();
    expect(censored).toMatchObject({
      password: CENSORED,
      config: { token: CENSORED, deeper: [{ authorization: CENSORED }] },
      other: 'kept',
    });
    expect(plain?.note).toBe('the "password": field is named in this text');
    expect(lines.every((l) => l.endsWith('}\n'))).toBe(true);
  });

  it('replaces each known secret wherever it appears, then formats for a person when asked', () => {
    const { log, lines } = logTo({ secrets: ['s3cret-pass'], pretty: true });
    log.warn(
      {
        jobId: 'j1',
        error: { code: 'E_AUTH', message: 'redis://:s3cret-pass@h refused' },
        retryAt: '2026-01-01T00:00:01.000Z',
      },
      'job failed, will retry',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} WARN {2}job failed, will retry {2}jobId=j1 error=E_AUTH "redis:\/\/:\[redacted\]@h refused" retryAt=2026-01-01T00:00:01\.000Z\n$/,
    );
  });
});

describe('censorSecretKeys', () => {
  it('returns a line without a credential key as the same string', () => {
    const line = '{"level":30,"msg":"job succeeded","jobId":"j1"}\n';
    expect(censorSecretKeys(line)).toBe(line);
  });
});

describe('prettyLine', () => {
  it('shows a job error as its code and quoted message, and hides the worker id like the node id', () => {
    const line = JSON.stringify({
      level: 50,
      time: '2026-01-01T12:00:01.250Z',
      node: 'dev-1',
      role: 'dev',
      worker: 'dev-1',
      jobId: 'j1',
      attempt: 1,
      error: { code: 'no_handler', message: 'no handler for job name "x" in this worker' },
      msg: 'job failed',
    });
    expect(prettyLine(`${line}\n`)).toBe(
      '12:00:01.250 ERROR job failed  jobId=j1 attempt=1 error=no_handler "no handler for job name \\"x\\" in this worker"\n',
    );
  });
});

describe('LineBuffer', () => {
  it('holds lines until the end of the turn, then writes them in order with one write', async () => {
    const path = join(dir, 'turn.log');
    const fd = openSync(path, 'w');
    try {
      const buffer = new LineBuffer(fd);
      buffer.write('one\n');
      buffer.write('two\n');
      expect(readFileSync(path, 'utf8')).toBe('');
      await nextTurn();
      expect(readFileSync(path, 'utf8')).toBe('one\ntwo\n');
    } finally {
      closeSync(fd);
    }
  });

  it('writes at once when a few kilobytes have gathered, and flush() writes the rest now', () => {
    const path = join(dir, 'full.log');
    const fd = openSync(path, 'w');
    try {
      const buffer = new LineBuffer(fd);
      const line = `${'x'.repeat(99)}\n`;
      for (let i = 0; i < 100; i++) buffer.write(line);
      const early = readFileSync(path, 'utf8').length;
      expect(early).toBeGreaterThan(0);
      expect(early).toBeLessThan(100 * line.length);
      buffer.write('last\n');
      buffer.flush();
      expect(readFileSync(path, 'utf8')).toBe(`${line.repeat(100)}last\n`);
    } finally {
      closeSync(fd);
    }
  });
});
