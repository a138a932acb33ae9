// Runs `tick` every `ms` while the tab is visible, and once more as soon as it is shown
// again: a hidden tab asks the server for nothing.
import { useEffect, useRef } from 'preact/hooks';

export function useVisiblePoll(tick: () => void, ms: number): void {
  const ref = useRef(tick);
  ref.current = tick;
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = () => {
      if (timer === undefined) timer = setInterval(() => ref.current(), ms);
    };
    const stop = () => {
      clearInterval(timer);
      timer = undefined;
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') {
        ref.current();
        start();
      } else {
        stop();
      }
    };
    if (document.visibilityState === 'visible') start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [ms]);
}
