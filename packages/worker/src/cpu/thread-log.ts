import type { Logger } from '@cadenza/core';
import { cloneable, type LogLevel } from './protocol.js';

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const RANK: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

/**
 * `ctx.log` inside a CPU thread. A pino logger cannot cross threads, and one made here would
 * lose the worker's bindings and destination; so this one takes pino's call shapes
 * (`log.info(obj?, msg?, ...args)`, `child(bindings)`, `level`, `isLevelEnabled`) and posts
 * each call to the main thread, which writes it through the job's own pino child logger.
 */
export function forwardingLogger(
  level: string,
  send: (level: LogLevel, bindings: Record<string, unknown>, args: unknown[]) => void,
  bindings: Record<string, unknown> = {},
): Logger {
  const min = RANK[level] ?? RANK.info ?? 30;
  const logger: Record<string, unknown> = {
    level,
    isLevelEnabled: (l: string) => (RANK[l] ?? Infinity) >= min,
    child: (more: Record<string, unknown>) => forwardingLogger(level, send, { ...bindings, ...more }),
    silent: () => undefined,
  };
  for (const l of LEVELS) {
    logger[l] = (...args: unknown[]) => {
      if ((RANK[l] ?? 0) < min) return;
      // An Error clones (name, message, stack); anything else that does not is sent as JSON.
      send(
        l,
        bindings,
        args.map((a) => (a instanceof Error ? a : cloneable(a))),
      );
    };
  }
  return logger as unknown as Logger;
}
