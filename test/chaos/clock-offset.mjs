// Preloaded into a coordinator (NODE_OPTIONS=--import): shifts the process's wall clock by
// CHAOS_CLOCK_OFFSET_MS. core's realClock reads Date.now() on every call, so the
// coordinator's leases, fire times and recoveries all run on the shifted time.
const offset = Number(process.env.CHAOS_CLOCK_OFFSET_MS ?? 0);
if (Number.isFinite(offset) && offset !== 0) {
  const now = Date.now.bind(Date);
  Date.now = () => now() + offset;
}
