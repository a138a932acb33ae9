import type { Logger } from '@cadenza/core';
import { pino } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The process log: pino JSON lines on stdout, one object per line. The only other line a
 * long-running command writes to stdout is its start line, which is plain text.
 */
export function createLogger(level: string, base: Record<string, unknown>): Logger {
  return pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 1, sync: true }));
}
