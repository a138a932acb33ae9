// One schedule: what fires it, its next fires in its own zone and in the viewer's (with the
// daylight-saving shifts between them marked, docs/time.md "Daylight saving"), its last fire
// and job, and the buttons that pause, resume or fire it now.
import { useState } from 'preact/hooks';
import {
  getSchedule,
  type Job,
  type Preview,
  pauseSchedule,
  previewSchedule,
  resumeSchedule,
  type Schedule,
  triggerSchedule,
} from '../lib/api.js';
import { viewerNow, viewerZone } from '../lib/clock.js';
import { formatHash, jobHref } from '../lib/router.js';
import { formatWithOffset, type ZonedFire, zonedFires } from '../lib/time.js';
import { scheduleZone, triggerOf, triggerText } from '../lib/trigger.js';
import { Alert } from '../ui/alert.js';
import { useDebounced, useEvents } from '../ui/live.js';
import { Region, TableScroll } from '../ui/region.js';
import { ScheduleForm } from '../ui/schedule-form.js';
import { useLoad } from '../ui/use-load.js';
import { When } from '../ui/when.js';
import { ScheduleState } from './schedules.js';

/** As many as the preview answers by default: enough to see the next change of clocks. */
const FIRES_SHOWN = 5;

interface Loaded {
  schedule: Schedule;
  preview: Preview | undefined;
}

async function load(tenant: string, id: string): Promise<Loaded> {
  const schedule = await getSchedule(tenant, id);
  const trigger = triggerOf(schedule);
  let preview: Preview | undefined;
  if (trigger !== undefined && !schedule.paused) {
    // The next fires from the same code the coordinator plans with; a server without the
    // preview route shows the one next fire the schedule itself reports.
    preview = await previewSchedule({
      ...trigger,
      after: new Date(viewerNow()).toISOString(),
      count: FIRES_SHOWN,
    }).catch(() => undefined);
  }
  return { schedule, preview };
}

export function SchedulePage({ tenant, id }: { tenant: string; id: string }) {
  const loaded = useLoad(() => load(tenant, id), [tenant, id]);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>();
  const [triggered, setTriggered] = useState<Job | undefined>();

  const refresh = useDebounced(loaded.reload, 500);
  useEvents((event) => {
    if (event.type === 'fired' && event.tenant === tenant && event.scheduleId === id) refresh();
  });

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(undefined);
    try {
      await action();
      loaded.reload();
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(false);
    }
  };

  const schedule = loaded.data?.schedule;
  return (
    <>
      <div class="page-head">
        <p class="crumbs">
          <a href={formatHash({ page: 'schedules', tenant: tenant === 'default' ? '' : tenant })}>Schedules</a> /{' '}
          {tenant}
        </p>
        <h1 tabIndex={-1}>Schedule {id}</h1>
        {schedule !== undefined && (
          <div class="actions">
            {schedule.paused ? (
              <button
                type="button"
                class="button"
                disabled={busy}
                onClick={() => act(() => resumeSchedule(tenant, id))}
              >
                Resume
              </button>
            ) : (
              <button type="button" class="button" disabled={busy} onClick={() => act(() => pauseSchedule(tenant, id))}>
                Pause
              </button>
            )}
            <button
              type="button"
              class="button primary"
              disabled={busy}
              onClick={() =>
                act(async () => {
                  setTriggered(await triggerSchedule(tenant, id));
                })
              }
            >
              Trigger now
            </button>
          </div>
        )}
      </div>
      <Alert error={actionError} />
      {triggered !== undefined && (
        <p class="success" role="status">
          Fired by hand: <a href={jobHref(triggered.id)}>Job {triggered.id}</a>
        </p>
      )}
      {loaded.error !== undefined && loaded.data === undefined && <Alert error={loaded.error} />}
      {loaded.data === undefined && loaded.error === undefined && <p class="muted">Loading…</p>}
      {loaded.data !== undefined && schedule !== undefined && (
        <>
          <div class="grid two">
            <Region title="Trigger">
              <Details schedule={schedule} preview={loaded.data.preview} />
            </Region>
            <Region title="Last fire">
              {schedule.lastFireAt === undefined ? (
                <p class="empty">It has not fired yet.</p>
              ) : (
                <dl class="facts">
                  <div>
                    <dt>Fired</dt>
                    <dd>
                      <When at={schedule.lastFireAt} />{' '}
                      <span class="muted">{formatWithOffset(Date.parse(schedule.lastFireAt), viewerZone())}</span>
                    </dd>
                  </div>
                  <div>
                    <dt>Job</dt>
                    <dd>
                      {schedule.lastJobId ? (
                        <a href={jobHref(schedule.lastJobId)} class="mono">
                          Job {schedule.lastJobId}
                        </a>
                      ) : (
                        <span class="muted">not known</span>
                      )}
                    </dd>
                  </div>
                  <div>
                    <dt>Runs</dt>
                    <dd class="num-inline">{schedule.runCount}</dd>
                  </div>
                </dl>
              )}
            </Region>
          </div>
          <NextFires schedule={schedule} preview={loaded.data.preview} />
          {schedule.cron !== undefined ? (
            <ScheduleForm title="Edit schedule" existing={schedule} onSaved={() => loaded.reload()} />
          ) : null}
        </>
      )}
    </>
  );
}

function Details({ schedule, preview }: { schedule: Schedule; preview: Preview | undefined }) {
  return (
    <dl class="facts">
      <div>
        <dt>Trigger</dt>
        <dd>
          <code>{triggerText(schedule)}</code>
          {preview !== undefined && preview.description !== '' && <div class="sub">{preview.description}</div>}
        </dd>
      </div>
      {schedule.cron !== undefined && (
        <div>
          <dt>Zone</dt>
          <dd>{scheduleZone(schedule)}</dd>
        </div>
      )}
      <div>
        <dt>State</dt>
        <dd>
          <ScheduleState schedule={schedule} />
        </dd>
      </div>
      <div>
        <dt>Job name</dt>
        <dd>
          <a
            href={formatHash({
              page: 'jobs',
              filter: { tenant: schedule.tenant, status: '', name: schedule.name, tag: '' },
            })}
          >
            {schedule.name}
          </a>
        </dd>
      </div>
      <div>
        <dt>Misfires</dt>
        <dd>{schedule.misfire ?? 'once'}</dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>
          <When at={schedule.updatedAt} />
        </dd>
      </div>
    </dl>
  );
}

function NextFires({ schedule, preview }: { schedule: Schedule; preview: Preview | undefined }) {
  const zone = scheduleZone(schedule);
  const mine = viewerZone();
  const fires =
    preview !== undefined
      ? preview.fires.map((iso) => Date.parse(iso))
      : schedule.nextFireAt !== undefined && !schedule.paused
        ? [Date.parse(schedule.nextFireAt)]
        : [];
  const inZone = zonedFires(fires, zone);
  const inMine = zonedFires(fires, mine);
  return (
    <Region title="Next fires">
      {schedule.paused ? (
        <p class="empty">Paused: it fires again after Resume, from then on (times passed while paused are not owed).</p>
      ) : fires.length === 0 ? (
        <p class="empty">{schedule.manual === true ? 'It fires only when triggered.' : 'It will not fire again.'}</p>
      ) : (
        <TableScroll>
          <table class="table fires">
            <thead>
              <tr>
                <th scope="col">In {zone}</th>
                <th scope="col">In your zone ({mine})</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {fires.map((at, index) => (
                <tr key={at}>
                  <td>
                    <FireCell fire={inZone[index]} />
                  </td>
                  <td>
                    <FireCell fire={inMine[index]} />
                  </td>
                  <td>
                    <When at={at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </Region>
  );
}

function FireCell({ fire }: { fire: ZonedFire | undefined }) {
  if (fire === undefined) return null;
  const iso = new Date(fire.at).toISOString();
  return (
    <>
      <time dateTime={iso} title={iso} class="mono">
        {fire.wall}
      </time>{' '}
      <span class="offset">{fire.offset}</span>
      {fire.shift !== undefined && (
        <>
          {' '}
          <span
            class="dst"
            role="note"
            aria-label={`DST shift: ${fire.shift.explanation}`}
            title={fire.shift.explanation}
          >
            DST shift
          </span>
        </>
      )}
    </>
  );
}
