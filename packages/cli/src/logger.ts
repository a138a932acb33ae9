import { type Logger, secretRedactor } from '@cadenza/core';
import { pino } from 'pino';
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
}

/**
 * The process log: pino JSON lines on stdout, one object per line. The only other line a
 * long-running command writes to stdout is its start line, which is plain text. Every
 * finished line passes through the secret redactor, so a password inside an error message
 * or a stack is hidden as surely as one under a known key.
 */
export function createLogger({ level, base, secrets = [], pretty = false }: LoggerOptions): Logger {
  const redact = secretRedactor(secrets);
  return pino(
    {
      level,
      base,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Keys that hold credentials by name, whatever their value.
      redact: { paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization'] },
      hooks: { streamWrite: (line) => (pretty ? prettyLine(redact(line)) : redact(line)) },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
