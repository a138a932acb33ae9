import { afterEach, describe, expect, it } from 'vitest';
import { realViewerClock, setViewerClock, viewerNow } from './clock.js';

afterEach(() => setViewerClock(realViewerClock));

describe('the viewer clock', () => {
  it('reads the clock it is given, and the real one again once put back', () => {
    let at = Date.UTC(2026, 2, 29, 1, 0);
    setViewerClock({ now: () => at });
    expect(viewerNow()).toBe(Date.UTC(2026, 2, 29, 1, 0));
    at += 1_000;
    expect(viewerNow()).toBe(Date.UTC(2026, 2, 29, 1, 0, 1));
    setViewerClock(realViewerClock);
    expect(viewerNow()).toBeGreaterThan(Date.UTC(2026, 0, 1));
  });
});
