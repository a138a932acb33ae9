// One job: its state, payload, result or error, every attempt, the jobs it depends on (two
// levels up) and the buttons that retry or cancel it. Read again on each of its events.
import { useState } from 'preact/hooks';
import { cancelJob, FINAL_STATUSES, getJob, type Job, retryJob } from '../lib/api.js';
import { type GraphJob, layoutDependencies } from '../lib/graph-layout.js';
import { formatHash, jobHref, scheduleHref } from '../lib/router.js';
import { Alert } from '../ui/alert.js';
import { Confirm } from '../ui/confirm.js';
import { DependencyGraph } from '../ui/dependency-graph.js';
import { useDebounced, useEvents, workerSeen } from '../ui/live.js';
import { Region, TableScroll } from '../ui/region.js';
import { Status } from '../ui/status.js';
import { useLoad } from '../ui/use-load.js';
import { When } from '../ui/when.js';

/** The most parents read per level: a graph wider than this says how many it left out. */
const MAX_PER_LEVEL = 12;

interface Loaded {
  job: Job;
  graph: Map<string, GraphJob>;
}

async function load(id: string): Promise<Loaded> {
  const job = await getJob(id);
  const graph = new Map<string, GraphJob>([[job.id, job]]);
  let level = [job];
  for (let depth = 0; depth < 2; depth++) {
    const ids = [...new Set(level.flatMap((each) => each.dependsOn))]
      .filter((parent) => !graph.has(parent))
      .slice(0, MAX_PER_LEVEL);
    // A parent deleted by retention, or out of the token's tenants, shows as unknown.
    const parents = await Promise.all(ids.map((parent) => getJob(parent).catch(() => undefined)));
    level = parents.filter((parent): parent is Job => parent !== undefined);
    for (const parent of level) graph.set(parent.id, parent);
  }
  return { job, graph };
}

export function JobPage({ id }: { id: string }) {
  const loaded = useLoad(() => load(id), [id]);
  const [asking, setAsking] = useState<'cancel' | 'retry' | undefined>();
  const [actionError, setActionError] = useState<unknown>();

  const refresh = useDebounced(loaded.reload, 300);
  useEvents((event) => {
    if (event.jobId !== undefined && loaded.data?.graph.has(event.jobId)) refresh();
  });

  const act = async (action: () => Promise<unknown>) => {
    setAsking(undefined);
    setActionError(undefined);
    try {
      await action();
    } catch (error) {
      setActionError(error);
    }
    loaded.reload();
  };

  const job = loaded.data?.job;
  return (
    <>
      <div class="page-head">
        <p class="crumbs">
          <a href={formatHash({ page: 'jobs', filter: { tenant: '', status: '', name: '', tag: '' } })}>Jobs</a>
          {job !== undefined && (
            <>
              {' / '}
              <a href={formatHash({ page: 'jobs', filter: { tenant: job.tenant, status: '', name: '', tag: '' } })}>
                {job.tenant}
              </a>
            </>
          )}
        </p>
        <h1 tabIndex={-1} class="break">
          Job {id}
        </h1>
        {job !== undefined && (
          <div class="actions">
            {job.status === 'failed' && (
              <button type="button" class="button" onClick={() => setAsking('retry')}>
                Retry
              </button>
            )}
            {!FINAL_STATUSES.has(job.status) && (
              <button type="button" class="button danger" onClick={() => setAsking('cancel')}>
                Cancel
              </button>
            )}
          </div>
        )}
      </div>
      {asking === 'cancel' && (
        <Confirm
          question={`Cancel job ${id}?`}
          confirmLabel="Cancel job"
          cancelLabel="Keep"
          danger
          onConfirm={() => act(() => cancelJob(id))}
          onClose={() => setAsking(undefined)}
        >
          <p>It will not run again (one running now is told to stop). This cannot be undone.</p>
        </Confirm>
      )}
      {asking === 'retry' && (
        <Confirm
          question={`Retry job ${id}?`}
          confirmLabel="Retry job"
          cancelLabel="Keep"
          onConfirm={() => act(() => retryJob(id))}
          onClose={() => setAsking(undefined)}
        >
          <p>It runs again with a fresh set of attempts.</p>
        </Confirm>
      )}
      <Alert error={actionError} />
      {loaded.error !== undefined && loaded.data === undefined && <Alert error={loaded.error} />}
      {loaded.data === undefined && loaded.error === undefined && <p class="muted">Loading…</p>}
      {job !== undefined && loaded.data !== undefined && (
        <>
          <Summary job={job} />
          <div class="grid two">
            <Region title="Payload">
              <Json value={job.payload} />
            </Region>
            {job.error !== undefined && job.status !== 'succeeded' ? (
              <Region title="Error" class="region-error">
                <p>
                  <code class="error-code">{job.error.code}</code>
                </p>
                <pre class="code">{job.error.message}</pre>
              </Region>
            ) : (
              <Region title="Result">
                {job.status === 'succeeded' ? (
                  <Json value={job.result} />
                ) : (
                  <p class="empty">No result yet: the job is {job.status}.</p>
                )}
              </Region>
            )}
          </div>
          <Attempts job={job} />
          <Region title="Dependencies">
            <Dependencies job={job} graph={loaded.data.graph} />
          </Region>
        </>
      )}
    </>
  );
}

function Summary({ job }: { job: Job }) {
  return (
    <dl class="panel facts summary">
      <div>
        <dt>Status</dt>
        <dd>
          <Status status={job.status} />
        </dd>
      </div>
      <div>
        <dt>Name</dt>
        <dd>{job.name}</dd>
      </div>
      <div>
        <dt>Tenant</dt>
        <dd>{job.tenant}</dd>
      </div>
      <div>
        <dt>Attempt</dt>
        <dd>
          {job.attempt} of {job.maxAttempts}
        </dd>
      </div>
      <div>
        <dt>Priority</dt>
        <dd>{job.priority}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>
          <When at={job.createdAt} />
        </dd>
      </div>
      {job.runAt !== undefined && (
        <div>
          <dt>Runs at</dt>
          <dd>
            <When at={job.runAt} />
          </dd>
        </div>
      )}
      <div>
        <dt>Finished</dt>
        <dd>
          <When at={job.finishedAt} />
        </dd>
      </div>
      {job.scheduleId !== undefined && (
        <div>
          <dt>Schedule</dt>
          <dd>
            <a href={scheduleHref(job.tenant, job.scheduleId)}>{job.scheduleId}</a>
          </dd>
        </div>
      )}
      {job.tags.length > 0 && (
        <div>
          <dt>Tags</dt>
          <dd class="tags">
            {job.tags.map((tag) => (
              <a
                key={tag}
                class="pill"
                href={formatHash({ page: 'jobs', filter: { tenant: job.tenant, status: '', name: '', tag } })}
              >
                {tag}
              </a>
            ))}
          </dd>
        </div>
      )}
      {job.progress !== undefined && job.status === 'active' && (
        <div>
          <dt>Progress</dt>
          <dd>
            <code>{JSON.stringify(job.progress)}</code>
          </dd>
        </div>
      )}
    </dl>
  );
}

function Json({ value }: { value: unknown }) {
  if (value === undefined || value === null) return <p class="empty">None.</p>;
  return <pre class="code">{JSON.stringify(value, null, 2)}</pre>;
}

interface AttemptRow {
  attempt: number;
  startedAt: string | null | undefined;
  endedAt: string | null | undefined;
  outcome: preact.ComponentChildren;
  worker: string | null | undefined;
}

function Attempts({ job }: { job: Job }) {
  const rows: AttemptRow[] = (job.pastAttempts ?? []).map((past) => ({
    attempt: past.attempt,
    startedAt: past.startedAt,
    endedAt: past.endedAt,
    outcome: <Outcome status="failed" text={`${past.error.code}: ${past.error.message}`} />,
    worker: past.workerId,
  }));
  // The latest attempt is the job's own. Its number may repeat a past one: a retry by hand
  // starts the count again (docs/jobs.md "Retry a failed job").
  if (job.attempt > 0) {
    rows.push({
      attempt: job.attempt,
      startedAt: job.startedAt,
      endedAt: job.status === 'active' ? undefined : (job.finishedAt ?? undefined),
      outcome: latestOutcome(job),
      worker: job.lease?.workerId ?? workerSeen(job.id, job.attempt),
    });
  }
  return (
    <Region title="Attempts">
      {rows.length === 0 ? (
        <p class="empty">No attempt has started yet.</p>
      ) : (
        <TableScroll>
          <table class="table">
            <thead>
              <tr>
                <th scope="col" class="num narrow">
                  Attempt
                </th>
                <th scope="col">Started</th>
                <th scope="col">Ended</th>
                <th scope="col">Outcome</th>
                <th scope="col">Worker</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => (
                <tr key={index}>
                  <td class="num">{row.attempt}</td>
                  <td>
                    <When at={row.startedAt} />
                  </td>
                  <td>
                    <When at={row.endedAt} />
                  </td>
                  <td class="outcome">{row.outcome}</td>
                  <td>{row.worker ? <code>{row.worker}</code> : <span class="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </Region>
  );
}

function latestOutcome(job: Job) {
  switch (job.status) {
    case 'active':
      return <Outcome status="active" text="running" />;
    case 'succeeded':
      return <Outcome status="succeeded" text="succeeded" />;
    case 'canceled':
      return <Outcome status="canceled" text="canceled" />;
    case 'failed':
      return <Outcome status="failed" text={job.error ? `${job.error.code}: ${job.error.message}` : 'failed'} />;
    default:
      // delayed or waiting again: this attempt failed and another comes.
      return (
        <Outcome status="failed" text={job.error ? `${job.error.code}: ${job.error.message} (retrying)` : 'retrying'} />
      );
  }
}

function Outcome({ status, text }: { status: string; text: string }) {
  return (
    <span class={`outcome-text status-${status}`}>
      <span class="dot" aria-hidden="true" />
      {text}
    </span>
  );
}

function Dependencies({ job, graph }: { job: Job; graph: Map<string, GraphJob> }) {
  if (job.dependsOn.length === 0) return <p class="empty">This job depends on no other job.</p>;
  const layout = layoutDependencies(job.id, graph, 2, MAX_PER_LEVEL);
  return (
    <>
      <DependencyGraph id={job.id} layout={layout} />
      {layout.hidden > 0 && <p class="muted">{layout.hidden} more not shown.</p>}
      <h3 class="parents-title">Depends on</h3>
      <ParentList ids={job.dependsOn} graph={graph} depth={2} />
    </>
  );
}

/**
 * The graph's text equivalent, and the way to it by keyboard and screen reader: the parents
 * as links, each with its own parents nested under it, as deep as the graph goes.
 */
function ParentList({ ids, graph, depth }: { ids: readonly string[]; graph: Map<string, GraphJob>; depth: number }) {
  return (
    <ul class="parents">
      {ids.map((parent) => {
        const known = graph.get(parent);
        const above = known?.dependsOn ?? [];
        return (
          <li key={parent}>
            <a href={jobHref(parent)} class="mono">
              {parent}
            </a>{' '}
            {known?.name !== undefined && <span class="muted">{known.name} </span>}
            {known?.status !== undefined ? <Status status={known.status} /> : <span class="muted">not found</span>}
            {depth > 1 && above.length > 0 && <ParentList ids={above} graph={graph} depth={depth - 1} />}
          </li>
        );
      })}
    </ul>
  );
}
