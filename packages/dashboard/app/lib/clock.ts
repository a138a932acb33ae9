// The viewer's clock. The dashboard is the one place in cadenza where the wall clock of the
// machine it runs on is the right one (docs: packages/dashboard/README.md): relative times
// ("3 s ago") are relative to the person looking. Every read of it goes through here.
export function viewerNow(): number {
  return Date.now();
}

/** The viewer's IANA zone, as the browser reports it (UTC when it does not say). */
export function viewerZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
