// An instant as "3 s ago"; hovering shows it in the viewer's zone and as the exact ISO instant,
// which the markup carries too (datetime).
import { viewerZone } from '../lib/clock.js';
import { formatWithOffset, relativeTime } from '../lib/time.js';
import { useNow } from './ticker.js';

export function When({ at, empty = '—' }: { at: string | number | null | undefined; empty?: string }) {
  const now = useNow();
  if (at === null || at === undefined) return <span class="muted">{empty}</span>;
  const ms = typeof at === 'number' ? at : Date.parse(at);
  if (Number.isNaN(ms)) return <span class="muted">{empty}</span>;
  const iso = new Date(ms).toISOString();
  const zone = viewerZone();
  return (
    <time dateTime={iso} title={`${formatWithOffset(ms, zone)} (${iso})`}>
      {relativeTime(ms, now)}
    </time>
  );
}
