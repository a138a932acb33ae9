// The cluster's events as they happen, newest first (the last 200), from the app's one
// connection to GET /v1/events. Pause holds the list still while events keep coming in.
import { useState } from 'preact/hooks';
import type { StreamEvent } from '../lib/event-connection.js';
import { jobHref, scheduleHref } from '../lib/router.js';
import { Field } from '../ui/field.js';
import { RECENT_KEPT, recentEvents, useEvents } from '../ui/live.js';
import { When } from '../ui/when.js';

const KEPT = RECENT_KEPT;

const TYPE_STATUS: Record<string, string> = {
  enqueued: 'waiting',
  started: 'active',
  progress: 'active',
  succeeded: 'succeeded',
  failed: 'failed',
  retried: 'delayed',
  released: 'waiting',
  canceled: 'canceled',
  fired: 'blocked',
  leader_changed: 'leader',
};

export function LivePage() {
  const [events, setEvents] = useState<StreamEvent[]>(recentEvents);
  const [paused, setPaused] = useState(false);
  const [held, setHeld] = useState<StreamEvent[]>([]);
  const [tenant, setTenant] = useState('');

  useEvents((event) => {
    if (paused) setHeld((previous) => [event, ...previous].slice(0, KEPT));
    else setEvents((previous) => [event, ...previous].slice(0, KEPT));
  });

  const toggle = () => {
    if (paused) {
      setEvents((previous) => [...held, ...previous].slice(0, KEPT));
      setHeld([]);
    }
    setPaused(!paused);
  };

  const wanted = tenant.trim();
  const shown = wanted === '' ? events : events.filter((event) => event.tenant === wanted);

  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Live</h1>
        <div class="actions">
          <Field label="Tenant" class="inline">
            <input
              value={tenant}
              onInput={(e) => setTenant(e.currentTarget.value)}
              placeholder="all"
              size={12}
              autoComplete="off"
            />
          </Field>
          <button type="button" class="button" onClick={toggle}>
            {paused ? 'Resume' : 'Pause'}
          </button>
        </div>
      </div>
      <p class="muted live-note">
        {paused
          ? `Paused: ${held.length} new event${held.length === 1 ? '' : 's'} waiting.`
          : `Newest first; the last ${KEPT} are kept.`}
      </p>
      <div class="panel" role="log" aria-label="Events">
        {shown.length === 0 && <p class="empty event-empty">Waiting for events…</p>}
        <ol class="event-list">
          {shown.map((event) => (
            <li key={event.id} class="event">
              <span class={`event-type status-${TYPE_STATUS[event.type] ?? 'unknown'}`}>
                <span class="dot" aria-hidden="true" />
                {event.type}
              </span>
              <span class="event-tenant">{event.tenant ?? '—'}</span>
              <span class="event-subject">
                {event.jobId !== undefined ? (
                  <a href={jobHref(event.jobId)} class="mono">
                    {event.jobId}
                  </a>
                ) : event.type === 'leader_changed' ? (
                  <span>
                    <code>{String(event.nodeId ?? '')}</code> leads, epoch {String(event.epoch ?? '')}
                  </span>
                ) : null}
                {event.name !== undefined && <span class="sub"> {event.name}</span>}
                {event.type === 'fired' && event.scheduleId !== undefined && event.tenant !== undefined && (
                  <span class="sub">
                    {' '}
                    by <a href={scheduleHref(event.tenant, event.scheduleId)}>{event.scheduleId}</a>
                  </span>
                )}
                {event.type === 'failed' || event.type === 'retried' ? <EventError event={event} /> : null}
              </span>
              <span class="event-time">
                <When at={typeof event.at === 'number' ? event.at : undefined} />
              </span>
            </li>
          ))}
        </ol>
      </div>
    </>
  );
}

function EventError({ event }: { event: StreamEvent }) {
  const error = event.error as { code?: string; message?: string } | undefined;
  if (error?.message === undefined) return null;
  return <span class="sub event-error"> {error.message}</span>;
}
