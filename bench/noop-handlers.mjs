// Handlers for benchmarks: a job that does nothing, so the figures measure cadenza itself.
export default {
  noop: () => undefined,
};
