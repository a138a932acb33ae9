import { pino } from 'pino';

/** cadenza logs through pino; this is the part of its logger the engine relies on. */
export type Logger = pino.Logger;

/** A logger that writes nothing: the default for libraries and tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
