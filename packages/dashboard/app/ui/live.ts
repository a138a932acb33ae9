// The app's one live connection to the event stream, shared by every page: the header shows
// its state, Live lists its events, other pages refresh what an event touches.
import { useEffect, useRef, useState } from 'preact/hooks';
import { authHeaders, eventsUrl, notifyUnauthorized } from '../lib/api.js';
import { type ConnectionState, EventConnection, type StreamEvent } from '../lib/event-connection.js';

const eventListeners = new Set<(event: StreamEvent) => void>();

/** How many of the latest events are kept for the Live page to open with. */
export const RECENT_KEPT = 200;
let recent: StreamEvent[] = [];

/** The latest events, newest first, whatever page was open when they came. */
export const recentEvents = (): StreamEvent[] => recent;

// The worker of each attempt seen starting: a job's latest attempt names its worker only
// while it runs (its lease), so the job page falls back on what the stream told.
const WORKERS_KEPT = 5_000;
const workers = new Map<string, string>();

export function workerSeen(jobId: string, attempt: number): string | undefined {
  return workers.get(`${jobId}#${attempt}`);
}

function noteWorker(event: StreamEvent): void {
  if (event.type !== 'started' || typeof event.nodeId !== 'string' || typeof event.attempt !== 'number') return;
  workers.set(`${event.jobId}#${event.attempt}`, event.nodeId);
  if (workers.size > WORKERS_KEPT) {
    const oldest = workers.keys().next().value;
    if (oldest !== undefined) workers.delete(oldest);
  }
}
const stateListeners = new Set<(state: ConnectionState) => void>();

export const connection = new EventConnection({
  url: eventsUrl(),
  fetch: (url, init) => fetch(url, init),
  headers: authHeaders,
  setTimer: (run, ms) => setTimeout(run, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  onEvent: (event) => {
    recent = [event, ...recent.slice(0, RECENT_KEPT - 1)];
    noteWorker(event);
    for (const listener of eventListeners) listener(event);
  },
  onState: (state) => {
    for (const listener of stateListeners) listener(state);
  },
  onUnauthorized: () => notifyUnauthorized(),
});

export function useConnectionState(): ConnectionState {
  const [state, setState] = useState(connection.state);
  useEffect(() => {
    stateListeners.add(setState);
    setState(connection.state);
    return () => stateListeners.delete(setState);
  }, []);
  return state;
}

/** Calls `handler` with each event of the stream while the component is shown. */
export function useEvents(handler: (event: StreamEvent) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const listener = (event: StreamEvent) => ref.current(event);
    eventListeners.add(listener);
    return () => eventListeners.delete(listener);
  }, []);
}

/** Runs `run` at most once per `ms`, at the end of a burst (many events, one reload). */
export function useDebounced(run: () => void, ms: number): () => void {
  const ref = useRef(run);
  ref.current = run;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useRef(() => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      ref.current();
    }, ms);
  }).current;
}
