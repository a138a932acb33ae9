// The payload of every no-op job: 100 bytes of JSON, the size the memory figure is quoted for.
export const PAYLOAD = Object.freeze({ pad: 'x'.repeat(90) });
if (JSON.stringify(PAYLOAD).length !== 100) throw new Error('the bench payload must be 100 bytes of JSON');

/** n jobs with the 100-byte payload, in the systems' common shape ({ payload, runAt?, tenant? }). */
export function noopJobs(n, extra = {}) {
  return Array.from({ length: n }, () => ({ payload: PAYLOAD, ...extra }));
}
