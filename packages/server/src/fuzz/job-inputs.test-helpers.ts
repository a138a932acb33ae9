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
const tenant = fc.oneof(fc.constantFrom('default', 'acme', 'beta'), fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,65}$/));
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

export const jobBody: fc.Arbitrary<Record<string, unknown>> = someFields(jobFields);

export const batchBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: someFields({ jobs: fc.array(jobBody, { maxLength: 5 }) }) },
  { weight: 1, arbitrary: anyJson },
);

export { instant, name, tenant };
