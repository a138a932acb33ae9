// An instant as "3 s ago", with the exact instant for those who hover or read the markup.
import { relativeTime } from '../lib/time.js';
import { useNow } from './ticker.js';

export function When({ at, empty = '—' }: { at: string | number | null | undefined; empty?: string }) {
  const now = useNow();
  if (at === null || at === undefined) return <span class="muted">{empty}</span>;
  const ms = typeof at === 'number' ? at : Date.parse(at);
  if (Number.isNaN(ms)) return <span class="muted">{empty}</span>;
  const iso = new Date(ms).toISOString();
  return (
    <time dateTime={iso} title={iso}>
      {relativeTime(ms, now)}
    </time>
  );
}
