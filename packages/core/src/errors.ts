/**
 * The one error type cadenza throws at its users. Every error carries a `code` from
 * the catalogue in docs/limits.md, so that the HTTP API, the CLI and the client can map it without
 * parsing messages. Messages name the field, the value and what was expected.
 */
export const ERROR_CODES = [
  'invalid_argument',
  'not_found',
  'conflict',
  'unauthorized',
  'forbidden',
  'payload_too_large',
  'resource_exhausted',
  'unavailable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** HTTP status for each code; kept here so every surface agrees. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_argument: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  // A limit of the deployment was reached (schedules of a tenant, event clients of a
  // server): the request was fine, and may succeed once something is freed.
  resource_exhausted: 429,
  unavailable: 503,
};

export interface CadenzaErrorOptions {
  /** The input field at fault, as a dotted path (`backoff.delayMs`, `jobs.3.name`). */
  field?: string;
  cause?: unknown;
}

export class CadenzaError extends Error {
  override readonly name = 'CadenzaError';
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: CadenzaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/**
 * Thrown by a store when a coordinator writes with an epoch that is no longer the
 * leader's: the write did not happen, and the caller must stop acting as leader.
 */
export class StaleEpochError extends CadenzaError {
  readonly epoch: number;
  constructor(epoch: number, currentEpoch: number | undefined) {
    super(
      'conflict',
      `leader epoch ${epoch} is stale (current epoch: ${currentEpoch ?? 'none'}); the write was refused`,
    );
    this.epoch = epoch;
  }
}

export function isCadenzaError(value: unknown): value is CadenzaError {
  return value instanceof CadenzaError;
}

/** Shorthand for the most common error: a bad input field. */
export function invalidArgument(field: string, value: unknown, expected: string): CadenzaError {
  return new CadenzaError('invalid_argument', `${field}: got ${describeValue(value)}, expected ${expected}`, { field });
}

/** A short, safe rendering of a user's value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    // JSON.stringify throws a RangeError on a value nested too deeply (a body of 10,000
    // nested arrays); String() of such an array recurses through join() and throws too.
    text = Array.isArray(value) ? '[an array nested too deeply to show]' : String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
