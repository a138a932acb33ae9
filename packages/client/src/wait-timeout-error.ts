import type { JobStatus } from '@cadenza/core';

/**
 * Thrown by `waitFor` when its `timeoutMs` passes before the job is final. Not a
 * `CadenzaError`: nothing was refused and the job is untouched (it may still finish), so
 * none of the error codes (docs/limits.md) fits; callers tell it apart by class or by `name`.
 */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  readonly jobId: string;
  readonly timeoutMs: number;
  /** The status seen by the last poll, if any answered. */
  readonly lastStatus: JobStatus | undefined;

  /** `cause`: the last error a poll met, when polls failed (the store was unreachable). */
  constructor(jobId: string, timeoutMs: number, lastStatus: JobStatus | undefined, cause?: unknown) {
    const seen = lastStatus === undefined ? 'not seen yet' : `last seen ${lastStatus}`;
    super(
      `job ${JSON.stringify(jobId)} was not final after ${timeoutMs} ms (${seen}); the job itself is unchanged`,
      cause === undefined ? undefined : { cause },
    );
    this.jobId = jobId;
    this.timeoutMs = timeoutMs;
    this.lastStatus = lastStatus;
  }
}
