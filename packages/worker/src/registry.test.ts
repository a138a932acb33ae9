import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CadenzaError } from '@cadenza/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHandlersModule } from './load-handlers.js';
import { HandlerRegistry } from './registry.js';

const one = (): number => 1;

describe('HandlerRegistry', () => {
  it('takes functions and spec objects, filling defaults', () => {
    const fn = () => 1;
    const registry = HandlerRegistry.from({
      'email.send': fn,
      'report:build': { handler: fn, cpu: true, timeoutMs: 5000, concurrency: 2 },
    });
    expect(registry.names()).toEqual(['email.send', 'report:build']);
    expect(registry.get('email.send')).toEqual({
      name: 'email.send',
      handler: fn,
      cpu: false,
      timeoutMs: undefined,
      concurrency: undefined,
    });
    expect(registry.get('report:build')).toMatchObject({ cpu: true, timeoutMs: 5000, concurrency: 2 });
    expect(registry.get('missing')).toBeUndefined();
  });

  it.each([
    ['a bad job name', { 'bad name': () => 1 }, /handlers: got "bad name", expected job names/],
    ['a number', { 'a.b': 42 }, /handlers\["a\.b"\]: got 42, expected a function/],
    [
      'a spec without handler',
      { 'a.b': { timeoutMs: 5 } },
      /handlers\["a\.b"\]\.handler: got nothing, expected a function/,
    ],
    [
      'a negative timeoutMs',
      { 'a.b': { handler: one, timeoutMs: -5 } },
      /handlers\["a\.b"\]\.timeoutMs: got -5, expected a positive integer/,
    ],
    [
      'a fractional concurrency',
      { 'a.b': { handler: one, concurrency: 1.5 } },
      /handlers\["a\.b"\]\.concurrency: got 1\.5/,
    ],
    [
      'a non-boolean cpu',
      { 'a.b': { handler: one, cpu: 'yes' } },
      /handlers\["a\.b"\]\.cpu: got "yes", expected true or false/,
    ],
    [
      'an unknown option',
      { 'a.b': { handler: one, timeout: 5 } },
      /handlers\["a\.b"\]\.timeout: got 5, expected no such option/,
    ],
  ])('refuses %s with a clear error', (_label, map, message) => {
    let error: unknown;
    try {
      HandlerRegistry.from(map as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CadenzaError);
    expect((error as CadenzaError).code).toBe('invalid_argument');
    expect((error as CadenzaError).message).toMatch(message);
  });
});

describe('loadHandlersModule', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cadenza-handlers-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  it("loads a module's default export", async () => {
    const path = await file(
      'good.mjs',
      "export default { 'email.send': async () => 'sent', b: { handler: () => 1 } };",
    );
    const registry = await loadHandlersModule(path);
    expect(registry.names()).toEqual(['email.send', 'b']);
  });

  it.each([
    ['missing.mjs', undefined, /cannot be loaded/],
    ['syntax.mjs', 'export default {', /cannot be loaded/],
    ['nodefault.mjs', 'export const x = 1;', /has no default export/],
    ['array.mjs', 'export default [1];', /default export is an array/],
    ['empty.mjs', 'export default {};', /exports no handlers/],
    ['badentry.mjs', "export default { 'x.y': 'nope' };", /handlers\["x\.y"\]: got "nope"/],
  ])('refuses %s, naming the file and the fault', async (name, text, message) => {
    const path = text === undefined ? join(dir, name) : await file(name, text);
    const error = await loadHandlersModule(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CadenzaError);
    expect((error as CadenzaError).code).toBe('invalid_argument');
    expect((error as CadenzaError).message).toContain(`handlers file ${path}: `);
    expect((error as CadenzaError).message).toMatch(message);
  });
});
