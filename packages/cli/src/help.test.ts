import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandsByPath } from './commands.test-helpers.js';

// Help wraps long lines at whitespace: joined again, the text reads as written.
const unwrapped = (command: Command) => command.helpInformation().replace(/\s+/g, ' ');

const REQUIRED: Record<string, string[]> = {
  worker: ['--handlers <file>'],
  migrate: ['--from <store>', '--to <store>'],
  'token create': ['--name <name>', '--tenants <list>', '--scope <list>'],
};

// The cluster commands need one Redis, named by one of three flags.
const REDIS_CHOICES = ['--redis <url>', '--redis-cluster <urls>', '--redis-sentinel <urls>'];
const ONE_REQUIRED: Record<string, string[]> = {
  worker: REDIS_CHOICES,
  coordinator: REDIS_CHOICES,
  server: REDIS_CHOICES,
};

describe('cadenza … --help', () => {
  const all = commandsByPath();

  it('covers every command', () => {
    expect([...all.keys()].sort()).toEqual(
      [
        'coordinator',
        'dev',
        'doctor',
        'enqueue',
        'export',
        'import',
        'jobs',
        'jobs show',
        'migrate',
        'schedules',
        'server',
        'status',
        'token',
        'token create',
      ]
        .concat(['worker'])
        .sort(),
    );
  });

  // A command that only groups others (`token`) has no flags of its own.
  for (const [path, command] of [...all].filter(([, c]) => c.options.length > 0)) {
    it(`${path}: names each environment variable once, beside its flag`, () => {
      const help = command.helpInformation();
      const named = help.match(/\bCADENZA_[A-Z0-9_]+\b/g) ?? [];
      const expected = command.options.flatMap((o) => (o.envVar === undefined ? [] : [o.envVar]));
      expect(expected.length).toBeGreaterThan(0);
      expect([...named].sort()).toEqual([...expected].sort());
    });

    it(`${path}: marks exactly its required flags, in the flag list and the usage line`, () => {
      const help = command.helpInformation();
      const required = REQUIRED[path] ?? [];
      const oneOf = ONE_REQUIRED[path] ?? [];
      const marked = [...help.matchAll(/^ {2}(--\S+ <[a-z]+>) \(required\)/gm)].map((m) => m[1]);
      expect(marked).toEqual(required);
      const markedOne = [...help.matchAll(/^ {2}(--\S+ <[a-z]+>) \(one required\)/gm)].map((m) => m[1]);
      expect(markedOne).toEqual(oneOf);
      const usage = help.split('\n')[0];
      const alternatives = oneOf.length === 0 ? [] : [`(${oneOf.join(' | ')})`];
      expect(usage).toBe(`Usage: cadenza ${[path, ...alternatives, ...required, command.usage()].join(' ')}`);
    });

    it(`${path}: shows each default`, () => {
      const help = unwrapped(command);
      for (const option of command.options) {
        const shown = option.defaultValueDescription ?? option.defaultValue;
        if (shown === undefined) continue;
        expect(help, option.long).toContain(`(default: ${String(shown)}; env: ${option.envVar})`);
      }
    });
  }

  it('shows the defaults a command works out itself', () => {
    const help = unwrapped(all.get('status') as Command);
    expect(help).toContain('(default: sqlite:./.cadenza/cadenza.db; env: CADENZA_STORE)');
    expect(help).toContain('(default: cz; env: CADENZA_PREFIX)');
    expect(unwrapped(all.get('worker') as Command)).toContain('(default: HOST:PID; env: CADENZA_ID)');
  });
});
