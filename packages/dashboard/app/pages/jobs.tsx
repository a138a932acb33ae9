// Jobs, newest first, filtered by tenant, status, name and tag (the filter lives in the hash,
// so a filtered list has a link), and the form that enqueues one. Rows follow their jobs'
// events; new jobs appear while only the first page is shown.
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJob, JOB_STATUSES, type Job, listJobs } from '../lib/api.js';
import { formatHash, type JobFilter, jobHref } from '../lib/router.js';
import { Alert } from '../ui/alert.js';
import { EnqueueForm } from '../ui/enqueue-form.js';
import { Field } from '../ui/field.js';
import { useDebounced, useEvents } from '../ui/live.js';
import { LoadMore, useMorePages } from '../ui/more-pages.js';
import { Region, TableScroll } from '../ui/region.js';
import { Status } from '../ui/status.js';
import { useLoad } from '../ui/use-load.js';
import { When } from '../ui/when.js';

const PAGE = 50;

function queryOf(filter: JobFilter) {
  return {
    ...(filter.tenant === '' ? {} : { tenant: filter.tenant }),
    ...(filter.status === '' ? {} : { status: filter.status }),
    ...(filter.name === '' ? {} : { name: filter.name }),
    ...(filter.tag === '' ? {} : { tag: filter.tag }),
  };
}

export function JobsPage({ filter }: { filter: JobFilter }) {
  const key = formatHash({ page: 'jobs', filter });
  const [updated, setUpdated] = useState<ReadonlyMap<string, Job>>(new Map());
  const first = useLoad(() => listJobs({ ...queryOf(filter), limit: PAGE }), [key]);
  const extra = useMorePages(first.data?.nextCursor ?? null, async (cursor) => {
    const page = await listJobs({ ...queryOf(filter), limit: PAGE, cursor });
    return { items: page.jobs, nextCursor: page.nextCursor };
  });

  useEffect(() => {
    extra.reset();
    setUpdated(new Map());
  }, [key]);

  const rows = [...(first.data?.jobs ?? []), ...extra.items].map((job) => updated.get(job.id) ?? job);
  const shownIds = new Set(rows.map((job) => job.id));
  const nextCursor = extra.nextCursor;

  // A job of the list changed: read it again, in place. A new job: read the first page again,
  // unless more pages are open (the list would jump under the reader).
  const reloadFirst = useDebounced(() => {
    if (!extra.open) first.reload();
  }, 1_000);
  const pending = useRef(new Set<string>()).current;
  const refreshJobs = useDebounced(() => {
    const ids = [...pending];
    pending.clear();
    for (const id of ids) {
      getJob(id).then(
        (job) => setUpdated((previous) => new Map(previous).set(job.id, job)),
        () => undefined,
      );
    }
  }, 400);
  useEvents((event) => {
    if (event.jobId === undefined) return;
    if (shownIds.has(event.jobId)) {
      pending.add(event.jobId);
      refreshJobs();
    } else if (event.type === 'enqueued' && (filter.tenant === '' || event.tenant === filter.tenant)) {
      reloadFirst();
    }
  });

  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Jobs</h1>
      </div>
      <FilterForm filter={filter} />
      <Region title="Jobs found">
        {first.error !== undefined && <Alert error={first.error} />}
        {first.data === undefined && first.error === undefined && <p class="muted">Loading…</p>}
        {first.data !== undefined && rows.length === 0 && (
          <p class="empty">{nextCursor === null ? 'No jobs match.' : 'None in this stretch; load more to read on.'}</p>
        )}
        {rows.length > 0 && (
          <TableScroll>
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">Name</th>
                  <th scope="col">Tenant</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Attempt
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((job) => (
                  <tr key={job.id}>
                    <td>
                      <a href={jobHref(job.id)} class="mono">
                        {job.id}
                      </a>
                    </td>
                    <td>{job.name}</td>
                    <td>{job.tenant}</td>
                    <td>
                      <Status status={job.status} />
                    </td>
                    <td class="num">
                      {job.attempt}
                      <span class="muted">/{job.maxAttempts}</span>
                    </td>
                    <td>
                      <When at={job.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <LoadMore pages={extra} />
      </Region>
      <EnqueueForm defaultTenant={filter.tenant} onEnqueued={() => first.reload()} />
    </>
  );
}

function FilterForm({ filter }: { filter: JobFilter }) {
  const [draft, setDraft] = useState(filter);
  useEffect(() => setDraft(filter), [formatHash({ page: 'jobs', filter })]);
  const submit = (event: Event) => {
    event.preventDefault();
    const trimmed: JobFilter = {
      tenant: draft.tenant.trim(),
      status: draft.status,
      name: draft.name.trim(),
      tag: draft.tag.trim(),
    };
    location.hash = formatHash({ page: 'jobs', filter: trimmed });
  };
  const field = (key: 'tenant' | 'name' | 'tag', label: string) => (
    <Field label={label}>
      <input
        value={draft[key]}
        onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })}
        autoComplete="off"
        spellcheck={false}
      />
    </Field>
  );
  return (
    <form class="panel filter-form" onSubmit={submit} aria-label="Filter jobs">
      {field('tenant', 'Tenant')}
      <Field label="Status">
        <select value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}>
          <option value="">any</option>
          {JOB_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </Field>
      {field('name', 'Name')}
      {field('tag', 'Tag')}
      <div class="filter-actions">
        <button type="submit" class="button primary">
          Filter
        </button>
      </div>
    </form>
  );
}
