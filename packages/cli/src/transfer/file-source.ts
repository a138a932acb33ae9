import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { CopyJob } from './copy-job.js';
import { type EndLine, type HeaderLine, LineError, type ParsedLine, parseHeader, parseLine } from './ndjson-lines.js';
import type { SourceSchedule, TransferSource } from './source.js';
import { PAGE_SIZE } from './store-source.js';

// An export file read back (import): checked whole first, then read again for each part
// of the transfer, a page at a time, so that no more than a page is held.

/** Every line after the first, parsed and validated, with its number. */
async function* lines(path: string, now: number): AsyncIterable<{ line: ParsedLine; lineNo: number }> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  try {
    for await (const text of reader) {
      lineNo += 1;
      if (lineNo === 1 || text.trim() === '') continue;
      yield { line: parseLine(text, lineNo, now), lineNo };
    }
  } finally {
    reader.close();
    input.destroy();
  }
}

export interface FileSummary {
  header: HeaderLine;
  end: EndLine;
}

/**
 * Reads the whole file once and refuses it at its first fault, naming the line and the
 * field: a line that is not JSON or does not validate, a header that is missing or of
 * another version, an end line that is missing (a file cut short), not last, or whose
 * counts differ from the lines above it.
 */
export async function checkFile(path: string, now: number): Promise<FileSummary> {
  const header = await readHeader(path);
  let end: EndLine | undefined;
  let endLineNo = 0;
  const counted = { schedules: 0, jobs: 0 };
  for await (const { line, lineNo } of lines(path, now)) {
    if (end !== undefined) throw new LineError(`line ${lineNo}: comes after the end line (line ${endLineNo})`);
    if (line.kind === 'end') {
      end = line.end;
      endLineNo = lineNo;
    } else if (line.kind === 'schedule') counted.schedules += 1;
    else counted.jobs += 1;
  }
  if (end === undefined) {
    throw new LineError('the file has no end line: it was cut short (an export interrupted, or a partial copy)');
  }
  for (const key of ['schedules', 'jobs'] as const) {
    if (end[key] !== counted[key]) {
      throw new LineError(`line ${endLineNo}: ${key}: the end line counts ${end[key]}, the file holds ${counted[key]}`);
    }
  }
  return { header, end };
}

async function readHeader(path: string): Promise<HeaderLine> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const text of reader) return parseHeader(text, 1);
  } finally {
    reader.close();
    input.destroy();
  }
  throw new LineError('line 1: the file is empty; expected a file written by cadenza export');
}

/** A checked export file as a transfer's source. */
export function fileSource(path: string, now: number, pageSize = PAGE_SIZE): TransferSource {
  async function* pick<T>(select: (line: ParsedLine) => T | undefined): AsyncIterable<T[]> {
    let page: T[] = [];
    for await (const { line } of lines(path, now)) {
      const item = select(line);
      if (item === undefined) continue;
      page.push(item);
      if (page.length >= pageSize) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }
  const jobs =
    (dependent: boolean) =>
    (line: ParsedLine): CopyJob | undefined =>
      line.kind === 'job' && line.copy.job.dependsOn.length > 0 === dependent ? line.copy : undefined;
  return {
    schedules: () => pick<SourceSchedule>((line) => (line.kind === 'schedule' ? line.schedule : undefined)),
    independent: () => pick(jobs(false)),
    dependent: () => pick(jobs(true)),
    // An export left such jobs out already.
    leftOut: () => 0,
  };
}
