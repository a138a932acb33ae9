const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields shown in the line's head, or not at all (the same on every line of a process: one worker in `dev`). */
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'node', 'role', 'worker']);

/**
 * One pino JSON line as a line a person reads on a terminal (`cadenza dev`):
 * `12:00:01.250 INFO  msg  jobId=… name=… err=…`. Written here rather than with
 * pino-pretty, to keep the CLI's dependencies few; anything not JSON passes unchanged.
 */
export function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const level = (LEVEL_NAMES[Number(entry.level)] ?? String(entry.level)).padEnd(5);
  const fields: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (HIDDEN.has(key)) continue;
    fields.push(`${key}=${format(key, value)}`);
  }
  return `${time} ${level} ${String(entry.msg ?? '')}${fields.length === 0 ? '' : `  ${fields.join(' ')}`}\n`;
}

function format(key: string, value: unknown): string {
  if (key === 'err' && typeof value === 'object' && value !== null) {
    const err = value as { message?: unknown; stack?: unknown };
    return JSON.stringify(String(err.message ?? ''));
  }
  // A job's error, as the attempt lines carry it: `error=timeout "timed out after 50 ms"`.
  if (key === 'error' && typeof value === 'object' && value !== null) {
    const { code, message } = value as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && typeof message === 'string') return `${code} ${JSON.stringify(message)}`;
  }
  return typeof value === 'string' ? (/\s/.test(value) ? JSON.stringify(value) : value) : JSON.stringify(value);
}
