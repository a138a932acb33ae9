// The frame of every page: header with the main navigation and the live-connection state,
// the page of the current hash route, and the sign-in form whenever the API asks for a token.
import { useEffect, useRef, useState } from 'preact/hooks';
import { forgetToken, onUnauthorized, readToken } from './lib/api.js';
import { parseHash, type Route } from './lib/router.js';
import { JobPage } from './pages/job.js';
import { JobsPage } from './pages/jobs.js';
import { LivePage } from './pages/live.js';
import { OverviewPage } from './pages/overview.js';
import { SchedulePage } from './pages/schedule.js';
import { SchedulesPage } from './pages/schedules.js';
import { SignIn } from './pages/sign-in.js';
import { connection, useConnectionState } from './ui/live.js';

const REFUSED = 'The server did not accept that token.';

const NAV: { label: string; href: string; pages: Route['page'][] }[] = [
  { label: 'Overview', href: '#/', pages: ['overview'] },
  { label: 'Schedules', href: '#/schedules', pages: ['schedules', 'schedule'] },
  { label: 'Jobs', href: '#/jobs', pages: ['jobs', 'job'] },
  { label: 'Live', href: '#/live', pages: ['live'] },
];

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function App() {
  const route = useRoute();
  const [needsToken, setNeedsToken] = useState(false);
  // Why the server refused the token this tab held (its message when it gave one): the
  // sign-in form says so.
  const [refused, setRefused] = useState<string | undefined>();
  const [hasToken, setHasToken] = useState(() => readToken() !== null);
  // Bumped at sign-in so that every page loads again with the new token.
  const [session, setSession] = useState(0);
  const main = useRef<HTMLElement>(null);

  useEffect(
    () =>
      onUnauthorized((message) => {
        connection.stop();
        if (readToken() !== null) {
          forgetToken();
          setHasToken(false);
          setRefused((before) => message ?? before ?? REFUSED);
        } else if (message !== undefined) {
          // The stream's 401 (which has no message) may have come first.
          setRefused((before) => (before === REFUSED ? message : before));
        }
        setNeedsToken(true);
      }),
    [],
  );

  useEffect(() => {
    if (!needsToken) connection.start();
  }, [needsToken]);

  // After following one of its links, start reading (and tabbing) at the new page's heading.
  // A hash typed, bookmarked or reloaded leaves focus where the browser puts it.
  const followedLink = useRef(false);
  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      const link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null;
      if (link !== null) followedLink.current = true;
    };
    document.addEventListener('click', onClick);
    return () => document.removeEventListener('click', onClick);
  }, []);
  useEffect(() => {
    if (!followedLink.current) return;
    followedLink.current = false;
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route.page, route.page === 'job' ? route.id : '', route.page === 'schedule' ? route.id : '']);

  useEffect(() => {
    document.title = `${needsToken ? 'Sign in' : pageTitle(route)} · cadenza`;
  }, [route, needsToken]);

  const signIn = () => {
    setRefused(undefined);
    setHasToken(true);
    setNeedsToken(false);
    setSession((n) => n + 1);
  };
  const signOut = () => {
    forgetToken();
    connection.stop();
    setHasToken(false);
    setSession((n) => n + 1);
    connection.start();
  };

  return (
    <div class="shell">
      <button type="button" class="skip" onClick={skipToMain}>
        Skip to content
      </button>
      <header class="topbar">
        <a class="brand" href="#/">
          <img src="icon.svg" alt="" width="22" height="22" />
          <span>cadenza</span>
        </a>
        <nav aria-label="Main" class="nav">
          {NAV.map((item) => (
            <a
              key={item.href}
              href={item.href}
              aria-current={item.pages.includes(route.page) ? 'page' : undefined}
              class="nav-link"
            >
              {item.label}
            </a>
          ))}
        </nav>
        <div class="topbar-end">
          <LiveIndicator />
          {hasToken && (
            <button type="button" class="button ghost small" onClick={signOut}>
              Sign out
            </button>
          )}
        </div>
      </header>
      <main id="main-content" ref={main} class="main" key={session}>
        {needsToken ? <SignIn onSignedIn={signIn} refused={refused} /> : <Page route={route} />}
      </main>
    </div>
  );
}

/** What the browser's tab and history call a page. */
function pageTitle(route: Route): string {
  switch (route.page) {
    case 'overview':
      return 'Overview';
    case 'schedules':
      return 'Schedules';
    case 'schedule':
      return `Schedule ${route.id}`;
    case 'jobs':
      return 'Jobs';
    case 'job':
      return `Job ${route.id}`;
    case 'live':
      return 'Live';
    case 'not-found':
      return 'Not found';
  }
}

function skipToMain() {
  document.querySelector<HTMLElement>('main h1')?.focus();
}

const STATE_TEXT = {
  connected: 'Connected',
  connecting: 'Reconnecting…',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
} as const;

function LiveIndicator() {
  const state = useConnectionState();
  return (
    <output class={`live-state live-${state}`} aria-label="Live updates">
      <span class="dot" aria-hidden="true" />
      {STATE_TEXT[state]}
    </output>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'schedules':
      return <SchedulesPage tenant={route.tenant} />;
    case 'schedule':
      return <SchedulePage key={`${route.tenant}/${route.id}`} tenant={route.tenant} id={route.id} />;
    case 'jobs':
      return <JobsPage filter={route.filter} />;
    case 'job':
      return <JobPage key={route.id} id={route.id} />;
    case 'live':
      return <LivePage />;
    case 'not-found':
      return (
        <>
          <h1 tabIndex={-1}>Not found</h1>
          <p>
            Nothing lives at <code>{route.path}</code>. <a href="#/">Go to the overview</a>.
          </p>
        </>
      );
  }
}
