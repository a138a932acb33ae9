import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  COUNTS_FIELDS,
  eventKeys,
  gateKeys,
  leaderKey,
  leaderLockKey,
  nodesKey,
  readyKey,
  STREAM_SUFFIX,
  signalChannel,
  TENANT_KEY_LAYOUT,
  tenantKeys,
  tenantsKey,
} from './keys.js';
import { ENTRY_FIELD, ENTRY_FIELDS, RECORD_FIELDS, SCHEDULE_ROW_FIELDS } from './value-layouts.js';

/**
 * The key layout is described once, in keys.ts and value-layouts.ts. The scripts build the
 * same keys (lua/includes/keys.lua), name the same fields (lua/includes/*.lua), and
 * README.md draws the same picture: these tests fail when any of them disagrees.
 */
const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const readme = read('../README.md');
const keysLua = read('../lua/includes/keys.lua');
const luaSources = ['jobs', 'record', 'schedule', 'listing', 'limits', 'keys', 'new-job', 'fence']
  .map((name) => read(`../lua/includes/${name}.lua`))
  .join('\n');

/** The rows of README.md's key picture: key, type and the row's text with its continuation lines. */
function readmeRows(): { key: string; type: string; text: string }[] {
  const start = readme.indexOf('## Key layout');
  const picture = readme.slice(
    readme.indexOf('```', start) + 3,
    readme.indexOf('```', readme.indexOf('```', start) + 3),
  );
  const rows: { key: string; type: string; text: string }[] = [];
  for (const line of picture.split('\n')) {
    const inner = /^\s*│(.*)│\s*$/.exec(line)?.[1];
    if (inner === undefined) continue;
    const row = /^\s*(P:\S+)\s+(\S+)\s*(.*)$/.exec(inner);
    if (row !== null) rows.push({ key: row[1] ?? '', type: row[2] ?? '', text: row[3] ?? '' });
    else if (rows.length > 0) (rows.at(-1) as { text: string }).text += ` ${inner.trim()}`;
  }
  return rows;
}

/** keys.lua's KEY_SUFFIX: suffix → its type word and its comment, with continuation lines. */
function luaSuffixes(): Map<string, { type: string; text: string }> {
  const block = keysLua.slice(
    keysLua.indexOf('local KEY_SUFFIX = {'),
    keysLua.indexOf('\n}', keysLua.indexOf('KEY_SUFFIX')),
  );
  const out = new Map<string, { type: string; text: string }>();
  let last: { type: string; text: string } | undefined;
  for (const line of block.split('\n').slice(1)) {
    const entry = /^\s*(\w+) = '([\w:]+)',\s*-- (\w+)\s*(.*)$/.exec(line);
    if (entry !== null) {
      expect(entry[1], `keys.lua names the suffix '${entry[2]}' by itself`).toBe(entry[2]);
      last = { type: entry[3] ?? '', text: entry[4] ?? '' };
      out.set(entry[2] ?? '', last);
    } else if (last !== undefined) last.text += ` ${line.replace(/^\s*--/, '').trim()}`;
  }
  return out;
}

/** A Lua include's field constants (`local R_A, R_B = 1, 2`), in the order of their values. */
function luaConstants(prefix: string): string[] {
  const byValue = new Map<number, string>();
  const pattern = new RegExp(`^local (${prefix}_\\w+(?:, ${prefix}_\\w+)*) = ([\\d, ]+?)\\s*(?:--.*)?$`, 'gm');
  for (const [, names = '', values = ''] of luaSources.matchAll(pattern)) {
    const vs = values.split(',').map((v) => Number(v.trim()));
    names.split(',').forEach((name, k) => {
      byValue.set(vs[k] ?? 0, name.trim().slice(prefix.length + 1));
    });
  }
  return [...byValue].sort(([a], [b]) => a - b).map(([, name]) => name);
}

/** The backquoted names README.md lists after "A **<what>**…—" up to the sentence's end. */
function readmeFields(what: string): string[] {
  const at = readme.indexOf(`A **${what}**`);
  expect(at, `README.md describes "A **${what}**"`).toBeGreaterThan(0);
  const sentence = readme.slice(readme.indexOf('—', at), readme.indexOf('.\n', at));
  return [...sentence.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
}

const luaName = (field: string) => field.toUpperCase();

describe('the key layout: keys.ts, keys.lua and README.md agree', () => {
  it('names the same tenant keys with the same types in keys.lua as in keys.ts', () => {
    const lua = luaSuffixes();
    const ts = Object.values(TENANT_KEY_LAYOUT);
    expect([...lua.keys()].sort()).toEqual(ts.map((key) => key.suffix).sort());
    for (const key of ts) expect(lua.get(key.suffix)?.type, `keys.lua's type of '${key.suffix}'`).toBe(key.type);
    expect(keysLua).toContain(`'${STREAM_SUFFIX}'`);
  });

  it('draws every key of keys.ts in README.md, and nothing else, with the same types', () => {
    const rows = readmeRows();
    const tenant = tenantKeys('P', 'T');
    const expected = [
      readyKey('P'),
      tenantsKey('P'),
      leaderKey('P'),
      leaderLockKey('P'),
      nodesKey('P'),
      signalChannel('P'),
      ...eventKeys('P').all,
      ...gateKeys('P').all,
      `P:{t:T}:${STREAM_SUFFIX}<p>`,
      ...tenant.all.filter((key) => !tenant.streams.includes(key)),
    ];
    expect(rows.map((row) => row.key).sort()).toEqual(expected.sort());
    for (const key of Object.values(TENANT_KEY_LAYOUT)) {
      const row = rows.find((r) => r.key === `P:{t:T}:${key.suffix}`);
      expect(row?.type, `README.md's type of P:{t:T}:${key.suffix}`).toBe(key.type.toUpperCase());
    }
    expect(rows.find((r) => r.key.endsWith(`:${STREAM_SUFFIX}<p>`))?.type).toBe('STREAM');
  });

  it('lists every field of the counts hash in keys.ts, keys.lua and README.md, and the scripts use no other', () => {
    const luaText = luaSuffixes().get('n')?.text ?? '';
    const readmeText = readmeRows().find((row) => row.key === 'P:{t:T}:n')?.text ?? '';
    for (const field of Object.keys(COUNTS_FIELDS)) {
      expect(luaText, `keys.lua's n names '${field}'`).toContain(field === '<status>/<p>' ? field : `'${field}'`);
      expect(readmeText, `README.md's n row names ${field}`).toContain(`${field} `);
    }
    const used = new Set<string>();
    const scripts = luaSources.concat(readLuaScripts());
    for (const [, list = ''] of scripts.matchAll(/(?:ctx\.)?K\.n((?:, '[a-z]+')+)/g))
      for (const [, field] of list.matchAll(/'([a-z]+)'/g)) if (field) used.add(field);
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((field) => !(field in COUNTS_FIELDS))).toEqual([]);
  });

  it('lays out a stream entry the same in value-layouts.ts, jobs.lua and README.md', () => {
    expect(luaConstants('E')).toEqual(ENTRY_FIELDS.map(luaName));
    expect(readmeFields('stream entry')).toEqual([ENTRY_FIELD, ...ENTRY_FIELDS]);
    expect(luaSources).toContain(`'${ENTRY_FIELD}', table.concat(`);
  });

  it('lays out a record the same in value-layouts.ts, record.lua and README.md', () => {
    expect(luaConstants('R')).toEqual(RECORD_FIELDS.map(luaName));
    expect(readmeFields('record')).toEqual([...RECORD_FIELDS]);
  });

  it('lays out a schedule row the same in value-layouts.ts, schedule.lua and README.md', () => {
    expect(luaConstants('S')).toEqual(SCHEDULE_ROW_FIELDS.map(luaName));
    expect(readmeFields('schedule row')).toEqual([...SCHEDULE_ROW_FIELDS]);
  });
});

function readLuaScripts(): string {
  const dir = new URL('../lua/', import.meta.url);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.lua'))
    .map((name) => readFileSync(new URL(name, dir), 'utf8'))
    .join('\n');
}
