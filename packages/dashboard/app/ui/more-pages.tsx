// The pages after a list's first, read on demand ("Load more"): the Jobs and Schedules lists
// read their first page with useLoad and the rest through here, with one button and one
// place for the error of a page that failed.
import { useState } from 'preact/hooks';
import { Alert } from './alert.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface MorePages<T> {
  /** Items of the pages read after the first, in order. */
  items: T[];
  /** Whether any page after the first has been read (the list would jump if the first were read again). */
  open: boolean;
  /** Where the list goes on: the last page's cursor, null when it has been read to its end. */
  nextCursor: string | null;
  loadMore(): Promise<void>;
  loading: boolean;
  error: unknown;
  /** Forgets the pages read (the list's filter changed, or its first page was read again). */
  reset(): void;
}

/** `firstCursor` is the first page's `nextCursor`; `read` reads the page at a cursor. */
export function useMorePages<T>(firstCursor: string | null, read: (cursor: string) => Promise<Page<T>>): MorePages<T> {
  const [more, setMore] = useState<Page<T> | undefined>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>();
  const nextCursor = more !== undefined ? more.nextCursor : firstCursor;

  const loadMore = async () => {
    if (nextCursor === null) return;
    setLoading(true);
    setError(undefined);
    try {
      const page = await read(nextCursor);
      setMore((previous) => ({ items: [...(previous?.items ?? []), ...page.items], nextCursor: page.nextCursor }));
    } catch (caught) {
      setError(caught);
    } finally {
      setLoading(false);
    }
  };

  return {
    items: more?.items ?? [],
    open: more !== undefined,
    nextCursor,
    loadMore,
    loading,
    error,
    reset: () => setMore(undefined),
  };
}

/** The "Load more" button while the list goes on, and the error of the page that failed. */
export function LoadMore({ pages }: { pages: MorePages<unknown> }) {
  return (
    <>
      {pages.nextCursor !== null && (
        <div class="more">
          <button type="button" class="button" onClick={pages.loadMore} disabled={pages.loading}>
            Load more
          </button>
        </div>
      )}
      <Alert error={pages.error} />
    </>
  );
}
