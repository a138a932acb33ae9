import { type Clock, type Logger, realClock, secretRedactor } from '@cadenza/core';
import { pino } from 'pino';
import { stdoutLines } from './log-destination.js';
import { censorSecretKeys } from './log-keys.js';
import { prettyLine } from './pretty-log.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface LoggerOptions {
  level: string;
  /** Fields on every line (the process's `node` id and `role`). */
  base: Record<string, unknown>;
  /** Values that must never reach the log (Redis passwords, tokens): replaced wherever they appear. */
  secrets?: readonly string[];
  /** One readable line per entry instead of JSON (`cadenza dev` on a terminal). */
  pretty?: boolean;
  /** Where finished lines go; stdout (buffered, flushed on exit) unless a test says otherwise. */
  destination?: { write(line: string): void };
  /** What a line's `time` is read from. */
  clock?: Clock;
}

/**
 * The process log: pino JSON lines on stdout, one object per line. The only other line a
 * long-running command writes to stdout is its start line, which is plain text. Every
 * finished line passes through two censors: the values of keys that name a credential
 * (`password`, `token`, `authorization`, at any depth), and each known secret wherever it
 * appears, so that a password inside an error message or a stack is hidden as surely as one
 * under a known key. On a line that holds nothing to hide, each costs one search of its text.
 */
export function createLogger({
  level,
  base,
  secrets = [],
  pretty = false,
  destination = stdoutLines(),
  clock = realClock,
}: LoggerOptions): Logger {
  const redact = secretRedactor(secrets);
  const clean = (line: string) => redact(censorSecretKeys(line));
  return pino(
    {
      level,
      base,
      timestamp: isoTime(clock),
      hooks: { streamWrite: pretty ? (line) => prettyLine(clean(line)) : clean },
    },
    destination,
  );
}

/**
 * pino's `isoTime`, made once per millisecond: a busy worker writes many lines in each one,
 * and formatting the date was a fifth of what a line cost (profile of a worker at 10,000 jobs a second).
 */
function isoTime(clock: Clock): () => string {
  let lastMs = Number.NaN;
  let lastTime = '';
  return () => {
    const now = clock.now();
    if (now !== lastMs) {
      lastMs = now;
      lastTime = `,"time":"${new Date(now).toISOString()}"`;
    }
    return lastTime;
  };
}
