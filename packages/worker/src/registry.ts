import {
  CadenzaError,
  describeValue,
  type HandlerEntry,
  type HandlerFn,
  type HandlerSpec,
  type HandlersMap,
} from '@cadenza/core';

/** The rule for job names (core's NAME_PATTERN; docs/limits.md). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const HANDLER_OPTION_KEYS = new Set(['handler', 'cpu', 'timeoutMs', 'concurrency']);

/** A handler with its options filled in. */
export interface ResolvedHandler {
  name: string;
  handler: HandlerFn;
  /** Runs in a worker thread of the CPU pool (see cpu/pool.ts), not on the event loop. */
  cpu: boolean;
  timeoutMs: number | undefined;
  concurrency: number | undefined;
}

function bad(field: string, value: unknown, expected: string): CadenzaError {
  return new CadenzaError('invalid_argument', `${field}: got ${describeValue(value)}, expected ${expected}`, {
    field,
  });
}

function optionalPositiveInt(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw bad(field, value, 'a positive integer');
  }
  return value;
}

/** Checks one entry of a handlers map; errors name the job name and the field. */
export function resolveHandler(name: string, entry: unknown): ResolvedHandler {
  const at = `handlers[${JSON.stringify(name)}]`;
  if (!NAME.test(name)) {
    throw bad('handlers', name, 'job names like "email.send" ([A-Za-z0-9][A-Za-z0-9._:-]{0,127})');
  }
  if (typeof entry === 'function') {
    return { name, handler: entry as HandlerFn, cpu: false, timeoutMs: undefined, concurrency: undefined };
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw bad(at, entry, 'a function (job, ctx) => result or { handler, cpu?, timeoutMs?, concurrency? }');
  }
  const spec = entry as Partial<HandlerSpec> & Record<string, unknown>;
  for (const key of Object.keys(spec)) {
    if (!HANDLER_OPTION_KEYS.has(key))
      throw bad(`${at}.${key}`, spec[key], `no such option (allowed: ${[...HANDLER_OPTION_KEYS].join(', ')})`);
  }
  if (typeof spec.handler !== 'function') throw bad(`${at}.handler`, spec.handler, 'a function (job, ctx) => result');
  if (spec.cpu !== undefined && typeof spec.cpu !== 'boolean') throw bad(`${at}.cpu`, spec.cpu, 'true or false');
  return {
    name,
    handler: spec.handler,
    cpu: spec.cpu === true,
    timeoutMs: optionalPositiveInt(`${at}.timeoutMs`, spec.timeoutMs),
    concurrency: optionalPositiveInt(`${at}.concurrency`, spec.concurrency),
  };
}

/** The job names a worker can run, and how. */
export class HandlerRegistry {
  private readonly handlers = new Map<string, ResolvedHandler>();

  /**
   * @param modulePath the handlers module this registry was loaded from (absolute), when
   * it was: CPU threads load that file again, as functions cannot be sent to a thread.
   */
  constructor(readonly modulePath?: string) {}

  /** Validates every entry of `map`; the first bad one throws `invalid_argument`. */
  static from(map: HandlersMap | HandlerRegistry, modulePath?: string): HandlerRegistry {
    if (map instanceof HandlerRegistry) return map;
    if (typeof map !== 'object' || map === null || Array.isArray(map)) {
      throw bad(
        'handlers',
        map,
        "an object mapping job names to handlers, like { 'email.send': async (job, ctx) => {} }",
      );
    }
    const registry = new HandlerRegistry(modulePath);
    for (const [name, entry] of Object.entries(map)) registry.register(name, entry);
    return registry;
  }

  register(name: string, entry: HandlerEntry): this {
    const resolved = resolveHandler(name, entry);
    if (this.handlers.has(name)) {
      throw new CadenzaError(
        'conflict',
        `handlers[${JSON.stringify(name)}]: a handler of this name is registered already`,
        {
          field: 'handlers',
        },
      );
    }
    this.handlers.set(name, resolved);
    return this;
  }

  get(name: string): ResolvedHandler | undefined {
    return this.handlers.get(name);
  }

  has(name: string): boolean {
    return this.handlers.has(name);
  }

  names(): string[] {
    return [...this.handlers.keys()];
  }

  get size(): number {
    return this.handlers.size;
  }
}
