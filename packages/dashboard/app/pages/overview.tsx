// The cluster at a glance: who leads, which processes are alive, how many jobs ended per
// minute over the last hour and what waits in the queues. Polled every 5 s while visible.
import { useCallback } from 'preact/hooks';
import { type Activity, type Cluster, getActivity, getCluster, JOB_STATUSES } from '../lib/api.js';
import { Alert } from '../ui/alert.js';
import { BarChart } from '../ui/bar-chart.js';
import { Region, TableScroll } from '../ui/region.js';
import { Status } from '../ui/status.js';
import { useLoad } from '../ui/use-load.js';
import { useVisiblePoll } from '../ui/use-visible-poll.js';
import { When } from '../ui/when.js';

const POLL_MS = 5_000;

export function OverviewPage() {
  const cluster = useLoad(getCluster, []);
  // A server without /v1/activity, or a store that keeps none, shows an empty chart.
  const activity = useLoad(() => getActivity(60).catch((): Activity => ({ minutes: [], unsupported: true })), []);
  const poll = useCallback(() => {
    cluster.reload();
    activity.reload();
  }, [cluster.reload, activity.reload]);
  useVisiblePoll(poll, POLL_MS);

  const data = cluster.data;
  const clusterError = cluster.error;
  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Overview</h1>
        {data !== undefined && (
          <p class="muted">
            Served by <code>{data.node.id}</code> ({data.node.role})
          </p>
        )}
      </div>
      <div class="grid overview-grid">
        <Region title="Leader" class="span-leader">
          <ClusterPart error={clusterError} data={data} announce>
            {(c) => <Leader cluster={c} />}
          </ClusterPart>
        </Region>
        <Region title="Coordinators" class="span-coordinators">
          <ClusterPart error={clusterError} data={data}>
            {(c) => <Coordinators cluster={c} />}
          </ClusterPart>
        </Region>
        <Region title="Workers" class="span-workers">
          <ClusterPart error={clusterError} data={data}>
            {(c) => <Workers cluster={c} />}
          </ClusterPart>
        </Region>
        <Region title="Throughput" class="span-4">
          <Throughput activity={activity.data} />
        </Region>
        <Region title="Queues" class="span-4">
          <ClusterPart error={clusterError} data={data}>
            {(c) => <Queues cluster={c} />}
          </ClusterPart>
        </Region>
      </div>
    </>
  );
}

/**
 * A part of the overview read from /v1/cluster. When the call fails (a token without the
 * admin scope gets 403), each part says why in place; only the first announces it.
 */
function ClusterPart({
  error,
  data,
  announce = false,
  children,
}: {
  error: unknown;
  data: Cluster | undefined;
  announce?: boolean;
  children: (cluster: Cluster) => preact.ComponentChildren;
}) {
  if (data === undefined && error !== undefined) {
    return announce ? (
      <Alert error={error} />
    ) : (
      <p class="note">{error instanceof Error ? error.message : String(error)}</p>
    );
  }
  if (data === undefined) return <p class="muted">Loading…</p>;
  return <>{children(data)}</>;
}

function Leader({ cluster }: { cluster: Cluster }) {
  const leader = cluster.leader;
  if (leader === null) {
    return (
      <p class="empty">
        <strong>No leader.</strong> Delayed jobs, dependencies and schedules wait until a coordinator leads.
      </p>
    );
  }
  return (
    <div class="leader">
      <p class="leader-id">
        <code>{leader.id}</code>
      </p>
      <dl class="facts">
        <div>
          <dt>Term</dt>
          <dd>epoch {leader.epoch}</dd>
        </div>
        <div>
          <dt>Last tick</dt>
          <dd>
            <When at={leader.lastTickAt} />
          </dd>
        </div>
        <div>
          <dt>Lease ends</dt>
          <dd>
            <When at={leader.expiresAt} />
          </dd>
        </div>
      </dl>
    </div>
  );
}

function Coordinators({ cluster }: { cluster: Cluster }) {
  if (cluster.coordinators.length === 0) return <p class="empty">No coordinator is running.</p>;
  return (
    <TableScroll>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Coordinator</th>
            <th scope="col">Role</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {cluster.coordinators.map((c) => (
            <tr key={c.id}>
              <td>
                <code>{c.id}</code>
              </td>
              <td>{c.leader ? <span class="pill pill-accent">leader</span> : <span class="pill">standby</span>}</td>
              <td>
                <When at={c.lastSeenAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function Workers({ cluster }: { cluster: Cluster }) {
  if (cluster.workers.length === 0) return <p class="empty">No worker is running: waiting jobs wait.</p>;
  return (
    <TableScroll>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Worker</th>
            <th scope="col" class="num">
              Active
            </th>
            <th scope="col" class="num">
              Concurrency
            </th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {cluster.workers.map((w) => (
            <tr key={w.id}>
              <td>
                <code>{w.id}</code>
              </td>
              <td class="num">
                <span class="meter" aria-hidden="true">
                  <svg viewBox="0 0 40 6" width="40" height="6" aria-hidden="true">
                    <rect width="40" height="6" rx="3" class="meter-track" />
                    <rect
                      width={Math.min(40, (40 * w.active) / Math.max(1, w.concurrency))}
                      height="6"
                      rx="3"
                      class="meter-fill"
                    />
                  </svg>
                </span>
                {w.active}
              </td>
              <td class="num">{w.concurrency}</td>
              <td>
                <When at={w.lastSeenAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function Throughput({ activity }: { activity: Activity | undefined }) {
  const minutes = activity?.minutes ?? [];
  const points = minutes.map((m) => ({
    at: m.at,
    values: { succeeded: m.succeeded, failed: m.failed, retried: m.retried },
  }));
  return (
    <div class="charts">
      <BarChart
        name="Jobs finished per minute, last hour"
        series={[
          { key: 'succeeded', label: 'Succeeded', fill: 'fill-succeeded' },
          { key: 'failed', label: 'Failed', fill: 'fill-failed' },
        ]}
        points={points}
      />
      <BarChart
        name="Failures per minute, last hour"
        series={[
          { key: 'failed', label: 'Failed', fill: 'fill-failed' },
          { key: 'retried', label: 'Retried', fill: 'fill-delayed' },
        ]}
        points={points}
      />
    </div>
  );
}

function Queues({ cluster }: { cluster: Cluster }) {
  const rows = [...cluster.queues].sort((a, b) =>
    a.tenant === b.tenant ? b.priority - a.priority : a.tenant.localeCompare(b.tenant),
  );
  if (rows.length === 0) return <p class="empty">No jobs in any queue.</p>;
  return (
    <TableScroll>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Tenant</th>
            <th scope="col" class="num">
              Priority
            </th>
            {JOB_STATUSES.map((status) => (
              <th key={status} scope="col" class="num">
                <Status status={status} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.tenant}/${row.priority}`}>
              <td>
                <a href={`#/jobs?tenant=${encodeURIComponent(row.tenant)}`}>{row.tenant}</a>
              </td>
              <td class="num">{row.priority}</td>
              {JOB_STATUSES.map((status) => {
                const count = row.counts[status] ?? 0;
                return (
                  <td key={status} class={count === 0 ? 'num zero' : 'num'}>
                    {count === 0 ? (
                      '0'
                    ) : (
                      <a
                        href={`#/jobs?tenant=${encodeURIComponent(row.tenant)}&status=${status}`}
                        aria-label={`${count} ${status} in ${row.tenant}, priority ${row.priority}`}
                      >
                        {count.toLocaleString('en-US')}
                      </a>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
