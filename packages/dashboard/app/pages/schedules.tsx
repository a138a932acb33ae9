// Every schedule of a tenant, a page at a time, and the form that creates one.
import { useState } from 'preact/hooks';
import { listSchedules, type Schedule } from '../lib/api.js';
import { formatHash, scheduleHref } from '../lib/router.js';
import { scheduleZone, triggerText } from '../lib/trigger.js';
import { Alert } from '../ui/alert.js';
import { Field } from '../ui/field.js';
import { useDebounced, useEvents } from '../ui/live.js';
import { LoadMore, useMorePages } from '../ui/more-pages.js';
import { Region, TableScroll } from '../ui/region.js';
import { ScheduleForm } from '../ui/schedule-form.js';
import { useLoad } from '../ui/use-load.js';
import { When } from '../ui/when.js';

const PAGE = 100;

export function SchedulesPage({ tenant: asked }: { tenant: string }) {
  const tenant = asked === '' ? 'default' : asked;
  const first = useLoad(() => {
    more.reset();
    return listSchedules({ tenant, limit: PAGE });
  }, [tenant]);
  const more = useMorePages(first.data?.nextCursor ?? null, async (cursor) => {
    const page = await listSchedules({ tenant, limit: PAGE, cursor });
    return { items: page.schedules, nextCursor: page.nextCursor };
  });
  const [shown, setShown] = useState(tenant);

  // A fire changes a schedule's last and next fire: read the list again.
  const refresh = useDebounced(first.reload, 1_000);
  useEvents((event) => {
    if (event.type === 'fired' && event.tenant === tenant) refresh();
  });

  const schedules = [...(first.data?.schedules ?? []), ...more.items];

  const showTenant = (event: Event) => {
    event.preventDefault();
    location.hash = formatHash({ page: 'schedules', tenant: shown.trim() === 'default' ? '' : shown.trim() });
  };

  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Schedules</h1>
        <form class="inline-form" onSubmit={showTenant} aria-label="Choose the tenant shown">
          <Field label="Showing schedules of" class="inline">
            <input value={shown} onInput={(e) => setShown(e.currentTarget.value)} size={12} autoComplete="off" />
          </Field>
          <button type="submit" class="button small">
            Show
          </button>
        </form>
      </div>
      <Region title={`Schedules of ${tenant}`}>
        {first.error !== undefined && <Alert error={first.error} />}
        {first.data === undefined && first.error === undefined && <p class="muted">Loading…</p>}
        {first.data !== undefined && schedules.length === 0 && (
          <p class="empty">
            Tenant <strong>{tenant}</strong> has no schedules yet. Create one below.
          </p>
        )}
        {schedules.length > 0 && (
          <TableScroll>
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Schedule</th>
                  <th scope="col">Tenant</th>
                  <th scope="col">Trigger</th>
                  <th scope="col">Next fire</th>
                  <th scope="col">Last fire</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {schedules.map((schedule) => (
                  <tr key={schedule.id}>
                    <td>
                      <a
                        href={scheduleHref(schedule.tenant, schedule.id)}
                        class="strong"
                        title={`makes ${schedule.name} jobs`}
                      >
                        {schedule.id}
                      </a>
                    </td>
                    <td>{schedule.tenant}</td>
                    <td>
                      <code>{triggerText(schedule)}</code>
                      {schedule.cron !== undefined && <div class="sub">{scheduleZone(schedule)}</div>}
                    </td>
                    <td>
                      <When at={schedule.paused ? undefined : schedule.nextFireAt} />
                    </td>
                    <td>
                      <When at={schedule.lastFireAt} empty="never" />
                    </td>
                    <td>
                      <ScheduleState schedule={schedule} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <LoadMore pages={more} />
      </Region>
      <ScheduleForm title="New schedule" defaultTenant={tenant} onSaved={() => first.reload()} />
    </>
  );
}

export function ScheduleState({ schedule }: { schedule: Schedule }) {
  if (schedule.paused) return <span class="pill pill-paused">paused</span>;
  if (schedule.nextFireAt === undefined) {
    return <span class="pill">{schedule.manual === true ? 'manual' : 'done'}</span>;
  }
  return <span class="pill pill-running">running</span>;
}
