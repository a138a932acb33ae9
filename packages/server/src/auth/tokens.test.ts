import { describe, expect, it } from 'vitest';
import { hashToken, newToken, parseTokens, TokenTable } from './tokens.js';

const entry = (fields: Record<string, unknown> = {}) => ({
  name: 'billing-writer',
  sha256: hashToken('t1'),
  tenants: ['billing'],
  scopes: ['read', 'write'],
  ...fields,
});
const file = (...tokens: unknown[]) => JSON.stringify({ tokens });

describe('tokens file', () => {
  it('reads entries: tenants as a list or "*", scopes', () => {
    const tokens = parseTokens(
      file(entry(), entry({ name: 'ops', sha256: hashToken('t2'), tenants: '*', scopes: ['admin'] })),
    );
    expect(tokens).toEqual([
      { name: 'billing-writer', sha256: hashToken('t1'), tenants: ['billing'], scopes: ['read', 'write'] },
      { name: 'ops', sha256: hashToken('t2'), tenants: '*', scopes: ['admin'] },
    ]);
  });

  it.each([
    ['not JSON', '{tokens:', 'tokens file: not valid JSON'],
    ['no tokens array', '{"token":[]}', 'tokens: got nothing'],
    ['a bad name', file(entry({ name: 'has space' })), 'tokens[0].name: got "has space"'],
    ['a hash that is not hex SHA-256', file(entry({ sha256: 'abc' })), 'tokens[0].sha256: got "abc"'],
    ['an empty tenant list', file(entry({ tenants: [] })), 'tokens[0].tenants: got []'],
    ['a bad tenant', file(entry({ tenants: ['Billing!'] })), 'tokens[0].tenants[0]: got "Billing!"'],
    ['an unknown scope', file(entry({ scopes: ['read', 'root'] })), 'tokens[0].scopes[1]: got "root"'],
    ['two entries of one name', file(entry(), entry({ sha256: hashToken('t2') })), 'tokens[1].name'],
    ['two entries of one token', file(entry(), entry({ name: 'other' })), 'tokens[1].sha256'],
  ])('refuses %s, naming the field', (_what, text, message) => {
    expect(() => parseTokens(text)).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining(message) }),
    );
  });
});

describe('TokenTable', () => {
  it("answers a token's grant, and nothing for an unknown token or another's hash", () => {
    const table = new TokenTable(
      parseTokens(file(entry(), entry({ name: 'ops', sha256: hashToken('t2'), tenants: '*', scopes: ['admin'] }))),
    );
    const writer = table.grantOf('t1');
    expect(writer?.name).toBe('billing-writer');
    expect(writer?.has('write')).toBe(true);
    expect(writer?.has('admin')).toBe(false);
    expect(writer?.sees('billing')).toBe(true);
    expect(writer?.sees('other')).toBe(false);
    const ops = table.grantOf('t2');
    expect(ops?.has('read')).toBe(true);
    expect(ops?.sees('anyone')).toBe(true);
    expect(table.grantOf('t3')).toBeUndefined();
    // The hash in the file is not a token.
    expect(table.grantOf(hashToken('t1'))).toBeUndefined();
  });

  it('makes tokens that differ every time and hash to what a file holds', () => {
    const a = newToken();
    const b = newToken();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^cz_[A-Za-z0-9_-]{43}$/);
    const table = new TokenTable([{ name: 'n', sha256: hashToken(a), tenants: '*', scopes: ['read'] }]);
    expect(table.grantOf(a)?.name).toBe('n');
    expect(table.grantOf(b)).toBeUndefined();
  });
});
