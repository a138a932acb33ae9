import type { BackoffPolicy } from '../model/job.js';
import { definedOnly } from '../util/defined-only.js';
import { integer, oneOf, optional, strictObject } from './fields.js';
import { EXPECTED, MAX_DURATION_MS } from './limits.js';

/** `{ type: 'fixed'|'linear'|'exponential', delayMs, maxDelayMs?, jitter?: 'none'|'full'|'equal' }` (docs/jobs.md). */
export const backoffSchema = strictObject(
  {
    type: oneOf(['fixed', 'linear', 'exponential'], EXPECTED.backoffType),
    delayMs: integer(0, MAX_DURATION_MS, EXPECTED.backoffDelayMs),
    maxDelayMs: optional(integer(0, MAX_DURATION_MS, EXPECTED.backoffDelayMs)),
    jitter: optional(oneOf(['none', 'full', 'equal'], EXPECTED.jitter)),
  },
  'a backoff policy: an object with type, delayMs, and optionally maxDelayMs and jitter',
)
  // A cap below the base delay would make every delay the cap: surely a mistake.
  .superRefine((backoff, ctx) => {
    if (backoff.maxDelayMs !== undefined && backoff.maxDelayMs < backoff.delayMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxDelayMs'],
        message: `an integer from delayMs (${backoff.delayMs}) to ${MAX_DURATION_MS} (100 years)`,
      });
    }
  })
  // A fresh object holding only the fields that were given.
  .transform(
    (backoff): BackoffPolicy => ({
      type: backoff.type,
      delayMs: backoff.delayMs,
      ...definedOnly({ maxDelayMs: backoff.maxDelayMs, jitter: backoff.jitter }),
    }),
  );
