// Loads data for a page: the latest answer, the error of the latest call, and `reload`.
// A reload keeps showing the previous answer until the new one comes (no flicker), and an
// answer that arrives after a newer call started is dropped.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const sequence = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(() => {
    const mine = ++sequence.current;
    setState((previous) => ({ ...previous, loading: true }));
    loadRef.current().then(
      (data) => {
        if (mine === sequence.current) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (mine === sequence.current) setState((previous) => ({ data: previous.data, error, loading: false }));
      },
    );
  }, []);

  useEffect(() => {
    setState({ data: undefined, error: undefined, loading: true });
    reload();
  }, deps);

  return { ...state, reload };
}
