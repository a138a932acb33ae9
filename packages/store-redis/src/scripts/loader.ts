import { readdirSync, readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/**
 * Loads the `.lua` files in the package's `lua/` folder and registers them on an ioredis
 * client with `defineCommand`. ioredis calls them by EVALSHA and, on NOSCRIPT (a Redis
 * restart or SCRIPT FLUSH), sends the body once and carries on, so callers never see it.
 *
 * The folder sits outside `src` so that the same relative URL works from `src/scripts`
 * (tests run the sources) and from `dist/scripts` (the build): no copy step to forget.
 *
 * Each script starts with a header naming its keys, `-- @keys N` (or `-- @keys *` for a
 * script whose caller gives any number, ahead of them), then `-- KEYS[i] …` and
 * `-- ARGV[i] …` lines for the reader. `-- @include name` pulls in `lua/includes/name.lua`;
 * a missing include throws at load time rather than failing inside Redis later.
 */
const LUA_DIR = new URL('../../lua/', import.meta.url);

export interface ScriptSource {
  /** The file's name without `.lua`: `enqueue`, `claim`, … */
  name: string;
  /** How many of the script's arguments are keys (`-- @keys N`); undefined for `-- @keys *`. */
  numberOfKeys: number | undefined;
  /** The body with every `@include` expanded. */
  lua: string;
}

export function readScript(name: string, dir: URL = LUA_DIR): ScriptSource {
  const raw = readLua(new URL(`${name}.lua`, dir), `script ${name}`);
  const keys = /^-- @keys (\d+|\*)$/m.exec(raw);
  if (keys?.[1] === undefined) {
    throw new Error(`lua script ${name} has no "-- @keys N" (or "-- @keys *") header line`);
  }
  const numberOfKeys = keys[1] === '*' ? undefined : Number(keys[1]);
  return { name, numberOfKeys, lua: expandIncludes(raw, name, dir, []) };
}

function expandIncludes(source: string, from: string, dir: URL, stack: string[]): string {
  return source.replace(/^-- @include (\S+)\s*$/gm, (_line, include: string) => {
    if (stack.includes(include)) {
      throw new Error(`lua include cycle: ${[...stack, include].join(' → ')} (from ${from})`);
    }
    const body = readLua(new URL(`includes/${include}.lua`, dir), `include ${include} (from ${from})`);
    return expandIncludes(body, from, dir, [...stack, include]);
  });
}

function readLua(url: URL, what: string): string {
  try {
    return readFileSync(url, 'utf8');
  } catch (error) {
    throw new Error(`cannot read lua ${what} at ${url.pathname}: ${(error as Error).message}`);
  }
}

/**
 * The name a script is registered under: it carries the package version so that two
 * versions of cadenza sharing one Redis never call each other's scripts.
 */
export function commandName(name: string, version: string): string {
  return `cz_${name}_v${version.replace(/[^0-9A-Za-z]/g, '_')}`;
}

/** Every script of the package: each `.lua` file in `lua/` (includes are in `lua/includes/`). */
export function scriptNames(dir: URL = LUA_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.lua'))
    .map((file) => file.slice(0, -'.lua'.length))
    .sort();
}

/** Calls a registered script: `keys` then `args`, returning the raw Redis reply. */
export type ScriptCall = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

/**
 * Registers every script on `redis` as a command; answers the names of those whose caller
 * gives the number of keys (`-- @keys *`).
 */
export function registerScripts(redis: Redis, version: string, names: readonly string[] = scriptNames()): Set<string> {
  const variable = new Set<string>();
  for (const name of names) {
    const source = readScript(name);
    const command = commandName(name, version);
    if (source.numberOfKeys === undefined) {
      redis.defineCommand(command, { lua: source.lua });
      variable.add(name);
    } else {
      redis.defineCommand(command, { numberOfKeys: source.numberOfKeys, lua: source.lua });
    }
  }
  return variable;
}
