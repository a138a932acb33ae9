import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CadenzaError, definedOnly, type HandlersMap, isCadenzaError } from '@cadenza/core';
import { HandlerRegistry } from './registry.js';

function refuse(path: string, what: string, cause?: unknown): CadenzaError {
  return new CadenzaError('invalid_argument', `handlers file ${path}: ${what}`, {
    field: 'handlers',
    ...definedOnly({ cause }),
  });
}

/**
 * Loads a handlers module: `export default { 'email.send': async (job, ctx) => result }`.
 * Any fault (no such file, a syntax error, no default export, a bad entry) is one
 * `invalid_argument` naming the file and what was wrong, for the CLI to print on one line.
 */
export async function loadHandlersModule(path: string): Promise<HandlerRegistry> {
  const absolute = resolve(path);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(absolute).href)) as { default?: unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw refuse(path, `cannot be loaded: ${message}`, error);
  }
  const exported = module.default;
  if (exported === undefined) {
    throw refuse(path, "has no default export; expected export default { 'job.name': async (job, ctx) => result }");
  }
  if (exported instanceof HandlerRegistry) {
    // Built in the module: copied so that it knows its file (CPU threads load it again).
    if (exported.modulePath !== undefined) return exported;
    const located = new HandlerRegistry(absolute);
    for (const name of exported.names()) {
      const spec = exported.get(name);
      if (spec === undefined) continue;
      const { handler, cpu, timeoutMs, concurrency } = spec;
      located.register(name, { handler, cpu, timeoutMs, concurrency });
    }
    return located;
  }
  if (typeof exported !== 'object' || exported === null || Array.isArray(exported)) {
    throw refuse(
      path,
      `its default export is ${describeKind(exported)}; expected an object mapping job names to handlers`,
    );
  }
  let registry: HandlerRegistry;
  try {
    registry = HandlerRegistry.from(exported as HandlersMap, absolute);
  } catch (error) {
    if (isCadenzaError(error)) throw refuse(path, error.message, error);
    throw error;
  }
  if (registry.size === 0) throw refuse(path, 'exports no handlers; a worker with nothing to run is a mistake');
  return registry;
}

function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
