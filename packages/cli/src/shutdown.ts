import { type Clock, type Logger, realClock } from '@cadenza/core';

const SIGNAL_NUMBER = { SIGINT: 2, SIGTERM: 15 } as const;

/** A SIGINT repeating the first within this many milliseconds is the same Ctrl-C passed on. */
const ECHO_MS = 250;

export interface Shutdown {
  /** Adds a step; steps run in the reverse order of their adding (last opened, first closed). */
  add(name: string, run: () => Promise<void>): void;
  /** True from the first signal on (set before any step runs, so `/readyz` turns 503 at once). */
  readonly stopping: boolean;
}

/**
 * SIGTERM and SIGINT shut down gracefully: `stopping` turns true at once, then the steps
 * added so far run one after another (for `dev`: stop the engine — its worker claims nothing
 * more, lets running jobs finish, then releases the rest — while HTTP still answers `/readyz`
 * with 503; then stop HTTP, and close the store, which flushes it), then the process exits 0.
 * A step that fails is logged and the rest still run (exit 1). A second signal during
 * shutdown exits at once with 128 + the signal's number (143 for SIGTERM, 130 for SIGINT),
 * the status a shell reports for a process the signal killed: the shutdown was not clean,
 * and the jobs still held come back only when their leases expire, as after a crash. A
 * SIGINT again within ECHO_MS of the first is not a second signal (see `handle`).
 * Installed before anything is opened, so a signal that arrives during startup closes what
 * is open by then.
 */
export function onShutdownSignals(log: Logger, clock: Clock = realClock): Shutdown {
  const steps: [name: string, run: () => Promise<void>][] = [];
  let stopping = false;
  let first: { signal: string; at: number } | undefined;
  const handle = (signal: keyof typeof SIGNAL_NUMBER): void => {
    if (signal === 'SIGINT' && first?.signal === signal && clock.now() - first.at < ECHO_MS) {
      // Ctrl-C reaches every process of the terminal's foreground group, and a wrapper such
      // as `pnpm dev` or `npm start` passes the SIGINT on to its child as well: the same
      // keypress, delivered twice. A person pressing Ctrl-C again to force an exit does so
      // well after this window. (SIGTERM comes from a supervisor, once: never deduplicated.)
      log.debug({ signal }, 'the same signal again at once (passed on by a wrapper): ignored');
      return;
    }
    first ??= { signal, at: clock.now() };
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting at once');
      process.exit(128 + SIGNAL_NUMBER[signal]);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    void (async () => {
      let code = 0;
      for (const [name, run] of steps.reverse()) {
        try {
          await run();
        } catch (error) {
          code = 1;
          log.error({ err: error, step: name }, `shutdown: ${name} failed`);
        }
      }
      log.info({ code }, 'stopped');
      process.exit(code);
    })();
  };
  process.on('SIGTERM', () => handle('SIGTERM'));
  process.on('SIGINT', () => handle('SIGINT'));
  return {
    add: (name, run) => void steps.push([name, run]),
    get stopping() {
      return stopping;
    },
  };
}
