import fc from 'fast-check';
import { anyJson, anyNumber, anyString, someFields } from './inputs.test-helpers.js';

/**
 * Job bodies near the valid ones: every field of `POST /v1/jobs`, each most often plausible
 * (so that some requests pass and write), sometimes anything at all.
 */
const name = fc.oneof(
  fc.constantFrom('email.send', 'report', 'a'),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,130}$/),
);
// A few tenants, valid and not (64 characters is the longest): an unbounded set would let
// the store grow with every case, and each case's comparison with it.
const tenant = fc.constantFrom('default', 'acme', 'beta', 't_1-x', 'a'.repeat(64), 'a'.repeat(65), 'Acme', '-acme');
const smallInt = fc.oneof(fc.integer({ min: -2, max: 12 }), anyNumber);
const instant = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer({ min: -1, max: 9e15 }),
  anyString,
);

export const jobFields = {
  name,
  tenant,
  payload: anyJson,
  priority: smallInt,
  tags: fc.array(fc.oneof(name, anyString), { maxLength: 4 }),
  maxAttempts: smallInt,
  backoff: someFields({
    type: fc.constantFrom('fixed', 'linear', 'exponential', 'cubic'),
    delayMs: anyNumber,
    maxDelayMs: anyNumber,
    jitter: fc.constantFrom('none', 'full', 'equal', 'some'),
  }),
  timeoutMs: anyNumber,
  resources: fc.dictionary(fc.oneof(name, anyString), anyNumber, { maxKeys: 3 }),
  delayMs: anyNumber,
  runAt: instant,
  idempotencyKey: fc.oneof(fc.constantFrom('k1', 'k2'), anyString),
  dependsOn: fc.array(anyString, { maxLength: 3 }),
};

/** A job the server accepts, so that successes (and repeated idempotency keys) are fuzzed too. */
export const validJob: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    name: fc.constantFrom('email.send', 'report'),
    tenant: fc.constantFrom('default', 'acme', 'beta'),
    payload: fc.jsonValue({ maxDepth: 2 }),
    priority: fc.integer({ min: 0, max: 9 }),
    tags: fc.uniqueArray(fc.constantFrom('a', 'b.c', 'd:e'), { maxLength: 3 }),
    maxAttempts: fc.integer({ min: 1, max: 10 }),
    delayMs: fc.integer({ min: 0, max: 86_400_000 }),
    idempotencyKey: fc.constantFrom('k1', 'k2', 'k3'),
  },
  // Always an idempotency key of a few: after the first few creations, repeats answer 200
  // and the store stops growing, which keeps each case's before-and-after comparison cheap.
  { requiredKeys: ['name', 'idempotencyKey'] },
);

export const jobBody: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 1, arbitrary: validJob },
  { weight: 2, arbitrary: someFields(jobFields) },
);

export const batchBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ jobs: fc.array(validJob, { minLength: 1, maxLength: 5 }) }) },
  { weight: 3, arbitrary: someFields({ jobs: fc.array(jobBody, { maxLength: 5 }) }) },
  { weight: 1, arbitrary: anyJson },
);

export { instant, name, tenant };
