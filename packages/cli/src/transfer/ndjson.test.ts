import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { buildProgram } from '../main.js';
import { checkFile, fileSource } from './file-source.js';
import { writeExport } from './ndjson-export.js';
import { runTransfer } from './run-transfer.js';
import { storeSource } from './store-source.js';
import { fill, MINUTE, NOW, type Stores, stores } from './transfer.test-helpers.js';

const AT = NOW + MINUTE;
const dir = mkdtempSync(join(tmpdir(), 'cadenza-ndjson-'));
let s: Stores;
beforeAll(async () => {
  s = await stores();
});
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function exportTo(path: string, source: Parameters<typeof storeSource>[0]): Promise<void> {
  const out = createWriteStream(path);
  await writeExport(storeSource(source, 4), out, 'cadenza test', AT);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** The schedule and job lines of a file, without what only tells where a job came from. */
function body(path: string): string[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const { was: _was, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify(rest);
    })
    .sort();
}

describe('export and import', () => {
  it('round-trips: a store exported, imported into another store and exported again gives the same lines', async () => {
    const a = await s.open('memory');
    const f = await fill(a);
    const first = join(dir, 'a.ndjson');
    await exportTo(first, a);
    const lines = readFileSync(first, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ format: 'cadenza-export', version: 1, writer: 'cadenza test' });
    expect(JSON.parse(lines.at(-1) ?? '')).toEqual({ kind: 'end', schedules: 5, jobs: f.unfinished });
    expect(await checkFile(first, AT)).toMatchObject({ end: { schedules: 5, jobs: f.unfinished } });

    const b = await s.open('sqlite');
    const report = await runTransfer(fileSource(first, AT, 3), b, AT, () => AT);
    expect(report.verification.differences).toEqual([]);
    expect(report.jobs).toMatchObject({ copied: f.unfinished, present: 0 });
    const second = join(dir, 'b.ndjson');
    await exportTo(second, b);
    expect(body(second)).toEqual(body(first));

    // Imported again, nothing is added: the import resumes as migrate does.
    const again = await runTransfer(fileSource(first, AT), b, AT, () => AT);
    expect(again.jobs).toMatchObject({ copied: 0, present: f.unfinished });
  });

  describe('refuses a bad file before writing anything', () => {
    const header = JSON.stringify({
      format: 'cadenza-export',
      version: 1,
      writer: 'hand',
      exportedAt: '2026-06-01T12:00:00Z',
    });
    const good = JSON.stringify({ kind: 'job', id: 'default:j1', was: 'waiting', name: 'email', dependsOn: [] });
    const end = (jobs: number) => JSON.stringify({ kind: 'end', schedules: 0, jobs });
    const cases: [string, string[], RegExp][] = [
      [
        'a field that does not validate, naming its line and field',
        [
          header,
          good,
          JSON.stringify({ kind: 'job', id: 'default:j2', was: 'waiting', name: 'email', priority: 12 }),
          end(2),
        ],
        /^line 3: priority: got 12, expected/,
      ],
      ['a line that is not JSON', [header, good, '{"kind":', end(2)], /^line 3: not JSON/],
      [
        'a schedule with a bad cron',
        [header, JSON.stringify({ kind: 'schedule', id: 'x', name: 'a', cron: 'every day', nextFireAt: null }), end(0)],
        /^line 2: cron/,
      ],
      [
        'a job of a finished status',
        [header, good.replace('"waiting"', '"succeeded"'), end(1)],
        /^line 2: was: got "succeeded"/,
      ],
      ['a file cut short (no end line)', [header, good], /no end line: it was cut short/],
      [
        'an end line whose counts differ',
        [header, good, end(3)],
        /^line 3: jobs: the end line counts 3, the file holds 1/,
      ],
      ['a line after the end', [header, end(0), good], /^line 3: comes after the end line/],
      ['another format', [JSON.stringify({ format: 'other' }), end(0)], /^line 1: format: got "other"/],
      ['an unknown kind', [header, JSON.stringify({ kind: 'tenant' }), end(0)], /^line 2: kind: got "tenant"/],
    ];
    for (const [what, fileLines, message] of cases) {
      it(what, async () => {
        const path = join(dir, 'bad.ndjson');
        writeFileSync(path, `${fileLines.join('\n')}\n`);
        await expect(checkFile(path, AT)).rejects.toThrow(message);
      });
    }

    it('through cadenza import: exit 2 naming the file and line, and the store untouched', async () => {
      const path = join(dir, 'bad-cli.ndjson');
      writeFileSync(
        path,
        `${[header, good, JSON.stringify({ kind: 'job', id: 'default:j2', was: 'waiting', name: 'email', tags: 'x' }), end(2)].join('\n')}\n`,
      );
      const db = join(dir, 'untouched.db');
      const run = buildProgram().parseAsync(['import', path, '--store', `sqlite:${db}`], { from: 'user' });
      await expect(run).rejects.toThrow(UsageError);
      await expect(run).rejects.toThrow(/bad-cli\.ndjson: line 3: tags: .*nothing was written$/);
      expect(existsSync(db)).toBe(false);
    });
  });
});
