// The ACL command list keeps up with the Lua functions: a command a function calls but the
// list lacks would fail with NOPERM only in a deployment that uses the ACL user.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACL_COMMANDS, aclRules } from './acl.js';

const LUA = join(import.meta.dirname, '..', 'lua');

function luaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? luaFiles(join(dir, entry.name)) : entry.name.endsWith('.lua') ? [join(dir, entry.name)] : [],
  );
}

describe('the ACL of a cadenza user', () => {
  it('allows every command the Lua functions call', () => {
    const called = new Set<string>();
    for (const file of luaFiles(LUA)) {
      for (const match of readFileSync(file, 'utf8').matchAll(
        /redis\.p?call\(\s*'([A-Za-z_]+)'(?:,\s*'([A-Za-z]+)')?/g,
      )) {
        const command = (match[1] ?? '').toLowerCase();
        called.add(command === 'xgroup' ? `xgroup|${(match[2] ?? '').toLowerCase()}` : command);
      }
    }
    expect(called.size).toBeGreaterThan(20);
    expect([...called].filter((command) => !ACL_COMMANDS.includes(command))).toEqual([]);
  });

  it('is the one docs/operations.md shows', () => {
    const docs = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'operations.md'), 'utf8');
    expect(docs).toContain(`user cadenza on >PASSWORD ${aclRules('cz')}\n`);
  });

  it('limits keys and channels to the prefix', () => {
    expect(aclRules('cz')).toMatch(/^resetkeys resetchannels ~cz:\* &cz:\* -@all \+ping /);
  });
});
