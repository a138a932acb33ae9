// One timer for every relative time on the page ("3 s ago"): each subscriber re-renders on
// its tick instead of each keeping its own interval.
import { useEffect, useState } from 'preact/hooks';
import { viewerNow } from '../lib/clock.js';

const listeners = new Set<(now: number) => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: (now: number) => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    const now = viewerNow();
    for (const each of listeners) each(now);
  }, 1_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The viewer's clock, updated every second. */
export function useNow(): number {
  const [now, setNow] = useState(viewerNow);
  useEffect(() => subscribe(setNow), []);
  return now;
}
