// The viewer's clock. The dashboard is the one place in cadenza where the wall clock of the
// machine it runs on is the right one (docs: packages/dashboard/README.md): relative times
// ("3 s ago") are relative to the person looking. Every read of it goes through here.
export function viewerNow(): number {
  return Date.now();
}

let zone: string | undefined;

/** The viewer's IANA zone, as the browser reports it (UTC when it does not say); read once. */
export function viewerZone(): string {
  zone ??= new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return zone;
}
