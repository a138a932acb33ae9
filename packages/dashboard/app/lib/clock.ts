// The viewer's clock. The dashboard cannot import core's Clock (it imports no other package),
// so it has a clock of the same shape: `realViewerClock` is the one place the app reads the
// machine's time — the right time here, since relative times ("3 s ago") are relative to the
// person looking — and every other module asks `viewerClock()`, which a test or an embedder
// may replace with `setViewerClock`.

export interface ViewerClock {
  /** Epoch milliseconds. */
  now(): number;
}

export const realViewerClock: ViewerClock = { now: () => Date.now() };

let current: ViewerClock = realViewerClock;

/** The clock the app reads its time from. */
export function viewerClock(): ViewerClock {
  return current;
}

/** Makes `clock` the app's clock (a fixed or stepped one in tests). */
export function setViewerClock(clock: ViewerClock): void {
  current = clock;
}

/** Now, by the app's clock. */
export function viewerNow(): number {
  return current.now();
}

let zone: string | undefined;

/** The viewer's IANA zone, as the browser reports it (UTC when it does not say); read once. */
export function viewerZone(): string {
  zone ??= new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return zone;
}
