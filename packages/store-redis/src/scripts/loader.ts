import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/**
 * Reads the `.lua` files in the package's `lua/` folder and builds from them ONE Redis
 * Functions library: every include (`lua/includes/*.lua`) pasted once at the top, then
 * every script registered as a function (`redis.register_function`). Redis runs a
 * library's top level once, at `FUNCTION LOAD`; a call (FCALL) runs only its function's
 * body, so the helpers of the includes are not rebuilt on every call as they are when
 * EVALSHA runs a script's whole text.
 *
 * The folder sits outside `src` so that the same relative URL works from `src/scripts`
 * (tests run the sources) and from `dist/scripts` (the build): no copy step to forget.
 *
 * Each script starts with a header naming its keys, `-- @keys N` (or `-- @keys *` for a
 * script whose caller gives any number), then `-- KEYS[i] …` and `-- ARGV[i] …` lines for
 * the reader, and `-- @no-writes` when it only reads (registered with the `no-writes`
 * flag and called with FCALL_RO). `-- @include name` says the script uses
 * `lua/includes/name.lua`; a missing include throws at load time rather than failing
 * inside Redis later. A script's body becomes `function(KEYS, ARGV) … end`: it reads its
 * keys and arguments from its own parameters, as it would from EVAL's globals.
 */
const LUA_DIR = new URL('../../lua/', import.meta.url);

export interface ScriptSource {
  /** The file's name without `.lua`: `enqueue`, `claim`, … */
  name: string;
  /** How many of the script's arguments are keys (`-- @keys N`); undefined for `-- @keys *`. */
  numberOfKeys: number | undefined;
  /** `-- @no-writes`: the function never writes (flag `no-writes`, called with FCALL_RO). */
  readOnly: boolean;
  /** The includes it uses, each after those it uses itself (depth first). */
  includes: string[];
  /** The script's own text (its `@include` lines left as comments). */
  body: string;
}

export function readScript(name: string, dir: URL = LUA_DIR): ScriptSource {
  const raw = readLua(new URL(`${name}.lua`, dir), `script ${name}`);
  const keys = /^-- @keys (\d+|\*)$/m.exec(raw);
  if (keys?.[1] === undefined) {
    throw new Error(`lua script ${name} has no "-- @keys N" (or "-- @keys *") header line`);
  }
  const numberOfKeys = keys[1] === '*' ? undefined : Number(keys[1]);
  const includes: string[] = [];
  collectIncludes(raw, name, dir, [], includes);
  return {
    name,
    numberOfKeys,
    readOnly: /^-- @no-writes\s*$/m.test(raw),
    includes,
    body: raw,
  };
}

function includesOf(source: string): string[] {
  return [...source.matchAll(/^-- @include (\S+)\s*$/gm)].map((match) => match[1] ?? '');
}

function collectIncludes(source: string, from: string, dir: URL, stack: string[], into: string[]): void {
  for (const include of includesOf(source)) {
    if (stack.includes(include)) {
      throw new Error(`lua include cycle: ${[...stack, include].join(' → ')} (from ${from})`);
    }
    if (into.includes(include)) continue;
    const body = readInclude(include, from, dir);
    collectIncludes(body, from, dir, [...stack, include], into);
    into.push(include);
  }
}

function readInclude(include: string, from: string, dir: URL): string {
  return readLua(new URL(`includes/${include}.lua`, dir), `include ${include} (from ${from})`);
}

function readLua(url: URL, what: string): string {
  try {
    return readFileSync(url, 'utf8');
  } catch (error) {
    throw new Error(`cannot read lua ${what} at ${url.pathname}: ${(error as Error).message}`);
  }
}

/** Every script of the package: each `.lua` file in `lua/` (includes are in `lua/includes/`). */
export function scriptNames(dir: URL = LUA_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.lua'))
    .map((file) => file.slice(0, -'.lua'.length))
    .sort();
}

export interface Library {
  /** `cadenza_v<version>_<hash of the code>`: two versions (or builds) sharing a Redis never meet. */
  name: string;
  /** The text given to `FUNCTION LOAD`. */
  code: string;
  /** Script name → the function it is registered as, and how it is called. */
  functions: Map<string, { name: string; readOnly: boolean }>;
}

/**
 * The library of `names` (every script of the package by default). Its name and every
 * function's carry the package version and a hash of the code: function names are global
 * in a Redis, and a library loaded by another version (or another build of this one) must
 * neither be replaced by ours nor answer our calls.
 */
export function buildLibrary(version: string, names: readonly string[] = scriptNames(), dir: URL = LUA_DIR): Library {
  const scripts = names.map((name) => readScript(name, dir));
  const includes: string[] = [];
  for (const script of scripts)
    for (const include of script.includes) if (!includes.includes(include)) includes.push(include);
  const parts: string[] = [];
  for (const include of includes) parts.push(`-- ===== include ${include}\n${readInclude(include, 'library', dir)}`);
  const registrations: string[] = [];
  for (const script of scripts) {
    registrations.push(
      `-- ===== ${script.name}\nredis.register_function{function_name=@@${script.name}@@, flags={${script.readOnly ? "'no-writes'" : ''}}, callback=function(KEYS, ARGV)\n${script.body}\nend}`,
    );
  }
  const body = `${parts.join('\n')}\n${registrations.join('\n')}\n`;
  const hash = createHash('sha1').update(body).digest('hex').slice(0, 10);
  const suffix = `v${version.replace(/[^0-9A-Za-z]/g, '_')}_${hash}`;
  const functions = new Map<string, { name: string; readOnly: boolean }>();
  for (const script of scripts) {
    functions.set(script.name, { name: functionName(script.name, suffix), readOnly: script.readOnly });
  }
  const code = body.replace(/@@([^@]+)@@/g, (_m, name: string) => `'${functions.get(name)?.name ?? ''}'`);
  return { name: `cadenza_${suffix}`, code: `#!lua name=cadenza_${suffix}\n${code}`, functions };
}

/** A function's name: letters, digits and underscores only (Redis's rule). */
function functionName(script: string, suffix: string): string {
  return `cz_${script.replace(/[^0-9A-Za-z]/g, '_')}_${suffix}`;
}

const TOO_OLD = 'cadenza needs Redis 7.0 or later (it runs as a Redis Functions library)';

/** The Redis version in an `INFO server` answer ('' when it names none). */
export function redisVersionOf(info: string): string {
  return /^redis_version:(\S+)/m.exec(info)?.[1] ?? '';
}

/**
 * Refuses a Redis without Functions (before 7.0), naming the version found; answers the
 * version otherwise. Given the text of `INFO server`.
 */
export function checkRedisVersion(info: string): string {
  const version = redisVersionOf(info);
  const major = Number(/^(\d+)\./.exec(version)?.[1]);
  if (!Number.isFinite(major) || major < 7) {
    throw new Error(`${TOO_OLD}; this server is Redis ${version || 'of an unknown version'}`);
  }
  return version;
}

/** Whether an error is checkRedisVersion's refusal. */
export function isTooOld(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith(TOO_OLD);
}

/** Whether `FUNCTION LIST LIBRARYNAME` answered a library of exactly this name. */
export function listsLibrary(reply: unknown, name: string): boolean {
  if (!Array.isArray(reply)) return false;
  return reply.some((library) => {
    if (!Array.isArray(library)) return false;
    for (let i = 0; i + 1 < library.length; i += 2) {
      if (String(library[i]) === 'library_name' && String(library[i + 1]) === name) return true;
    }
    return false;
  });
}

/** Whether an error says that a function (or its library) is not in this Redis. */
export function isMissingFunction(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error ?? '');
  return /Function not found|No such library/i.test(message);
}

/**
 * Loads `library` on `redis` unless it is there already: checks the server's version
 * (Functions need 7.0), then FUNCTION LIST, then FUNCTION LOAD REPLACE when missing.
 * Answers whether it loaded.
 */
export async function ensureLibrary(redis: Redis, library: Library): Promise<boolean> {
  checkRedisVersion(await redis.info('server'));
  const listed = await redis.call('FUNCTION', 'LIST', 'LIBRARYNAME', library.name);
  if (listsLibrary(listed, library.name)) return false;
  await loadLibrary(redis, library);
  return true;
}

/** FUNCTION LOAD REPLACE: replaces a library of the same name (same version, same code). */
export async function loadLibrary(redis: Redis, library: Library): Promise<void> {
  await redis.call('FUNCTION', 'LOAD', 'REPLACE', library.code);
}
