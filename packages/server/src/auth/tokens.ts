import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CadenzaError, invalidArgument, TENANT_PATTERN } from '@cadenza/core';
import { Grant, SCOPES, type Scope } from './grant.js';

/**
 * One entry of a tokens file. The file holds the SHA-256 of each token, never the token:
 * whoever reads the file (a backup, a config repository) cannot call the API with it.
 */
export interface TokenEntry {
  name: string;
  /** Hex SHA-256 of the token, 64 lowercase characters. */
  sha256: string;
  /** The tenants the token may touch, or `*` for all. */
  tenants: '*' | readonly string[];
  scopes: readonly Scope[];
}

/** What `cadenza token create` prints a token with; a prefix that says what the secret is. */
const TOKEN_PREFIX = 'cz_';

/** A new random token: 32 bytes from the system's random source, base64url. */
export function newToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The hex SHA-256 of a token, as a tokens file holds it. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The tokens of a tokens file, checked whole: `{"tokens":[{name, sha256, tenants, scopes}]}`.
 * A bad entry is refused with `invalid_argument` naming it (`tokens[2].scopes[0]`), so that a
 * server never starts, or reloads, with tokens it would read differently from their author.
 */
export function parseTokens(text: string): TokenEntry[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new CadenzaError('invalid_argument', 'tokens file: not valid JSON; expected {"tokens":[…]}', {
      field: 'tokens',
    });
  }
  const tokens = isObject(document) ? document.tokens : undefined;
  if (!Array.isArray(tokens)) throw invalidArgument('tokens', tokens, 'an array of token entries');
  const names = new Set<string>();
  const hashes = new Set<string>();
  return tokens.map((raw: unknown, i) => {
    const at = `tokens[${i}]`;
    if (!isObject(raw)) throw invalidArgument(at, raw, 'an object {name, sha256, tenants, scopes}');
    const { name, sha256, tenants, scopes } = raw;
    if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
      throw invalidArgument(`${at}.name`, name, 'a name of 1 to 64 letters, digits, ".", "_" or "-"');
    }
    if (names.has(name)) throw invalidArgument(`${at}.name`, name, 'a name no other token has');
    names.add(name);
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
      throw invalidArgument(`${at}.sha256`, sha256, 'the hex SHA-256 of the token (64 characters 0-9a-f)');
    }
    if (hashes.has(sha256)) throw invalidArgument(`${at}.sha256`, sha256, 'a token no other entry has');
    hashes.add(sha256);
    return {
      name,
      sha256,
      tenants: checkTenants(`${at}.tenants`, tenants),
      scopes: checkScopes(`${at}.scopes`, scopes),
    };
  });
}

function checkTenants(field: string, tenants: unknown): '*' | string[] {
  if (tenants === '*') return '*';
  if (!Array.isArray(tenants) || tenants.length === 0) {
    throw invalidArgument(field, tenants, '"*" or a non-empty array of tenant names');
  }
  tenants.forEach((tenant: unknown, k) => {
    if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant)) {
      throw invalidArgument(`${field}[${k}]`, tenant, 'a tenant name');
    }
  });
  return tenants as string[];
}

function checkScopes(field: string, scopes: unknown): Scope[] {
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw invalidArgument(field, scopes, `a non-empty array of ${SCOPES.map((s) => `"${s}"`).join(', ')}`);
  }
  scopes.forEach((scope: unknown, k) => {
    if (!SCOPES.includes(scope as Scope)) throw invalidArgument(`${field}[${k}]`, scope, SCOPES.join(', '));
  });
  return scopes as Scope[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The tokens a server accepts. A presented token is hashed and compared with every entry's
 * hash in constant time (timingSafeEqual, all entries every time), so neither a mismatch's
 * position nor which entry matched shows in how long the answer takes.
 */
export class TokenTable {
  private readonly entries: { hash: Buffer; grant: Grant }[];

  constructor(entries: readonly TokenEntry[]) {
    this.entries = entries.map((entry) => ({
      hash: Buffer.from(entry.sha256, 'hex'),
      grant: new Grant(entry.name, entry.tenants === '*' ? '*' : new Set(entry.tenants), new Set(entry.scopes)),
    }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The grant of a presented token, or undefined when no entry holds it. */
  grantOf(token: string): Grant | undefined {
    const presented = createHash('sha256').update(token, 'utf8').digest();
    let found: Grant | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(presented, entry.hash)) found = entry.grant;
    }
    return found;
  }
}
