/**
 * One seeded chaos run over real `cadenza` processes and a real redis-server (AOF on):
 * coordinators and workers, each talking to Redis through a proxy of its own; a mixed
 * workload; the planned faults; then everything resumed, the queue drained, and the
 * checkers run over what the run left behind. Returns the summary and the findings.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type Clock,
  definedOnly,
  type Job,
  type ListedJob,
  prepareJobs,
  prepareSchedule,
  realClock,
} from '@cadenza/core';
import { createRedisStore } from '@cadenza/store-redis';
import { type RedisHarness, startRedis } from '@cadenza/store-redis/testing';
import { assertBuilt, type Cadenza, runCli, startCadenza, waitFor } from '../process/cadenza-process.js';
import { startProxy, type TcpProxy } from '../process/tcp-proxy.js';
import { spansOf } from './checks/attempts.js';
import { notFinal } from './checks/final-states.js';
import { leaseOverlaps } from './checks/lease-overlap.js';
import { checkLimits } from './checks/limits.js';
import { type AttemptEvent, type Fault, type LeaderSample, readJsonLines } from './checks/logs.js';
import { leaderOutages } from './checks/outages.js';
import { checkFires } from './checks/schedule-fires.js';
import { clockOffsets, names, type PlannedFault, planFaults, SETTINGS, workload } from './plan.js';

const HANDLERS = join(import.meta.dirname, 'handlers.mjs');
const CLOCK_OFFSET = pathToFileURL(join(import.meta.dirname, 'clock-offset.mjs')).href;
const SCHEDULE = 'every-second';
/** Redis may hold this much more than it did before the workload, once retention ran. */
export const MEMORY_BOUND_BYTES = 4 * 1024 * 1024;

export interface RunOptions {
  seed: number;
  /** How long faults are injected, in seconds (then: resume, drain, check). */
  seconds: number;
  coordinators: number;
  workers: number;
  /** Progress lines (stdout by default). */
  say?: (line: string) => void;
  /** The clock the run is timed and logged by: the real one unless a test gives another. */
  clock?: Clock;
}

export interface Invariant {
  name: string;
  findings: string[];
}

export interface RunResult {
  seed: number;
  summary: string;
  invariants: Invariant[];
  failed: boolean;
  /** Kept when the run failed: the logs the findings come from. */
  dir: string;
}

interface Member {
  name: string;
  role: 'coordinator' | 'worker';
  proxy: TcpProxy;
  node: Cadenza | undefined;
}

export async function runChaos(options: RunOptions): Promise<RunResult> {
  // Real processes on a real machine: the run is timed by the real clock, through core's Clock.
  const clock: Clock = options.clock ?? realClock;
  const sleep = (ms: number) => clock.sleep(ms);
  assertBuilt();
  const { seed, seconds } = options;
  const say = options.say ?? ((line: string) => process.stdout.write(`[chaos seed ${seed}] ${line}\n`));
  const dir = mkdtempSync(join(tmpdir(), `cadenza-chaos-${seed}-`));
  const attemptsPath = join(dir, 'attempts.jsonl');
  const redis = await startRedis({ appendOnlyDir: dir });
  const redisFaults = redis.port !== 0;
  const prefix = redis.prefix();
  const store = createRedisStore({ url: redis.url, prefix });
  const members = new Map<string, Member>();
  const faults: Fault[] = [];
  const samples: LeaderSample[] = [];
  const enqueued: string[] = [];
  let unacknowledged = 0;
  const nextOffset = clockOffsets(seed);
  const runStart = clock.now();
  say(
    `seed ${seed}: ${seconds} s of faults, ${options.coordinators} coordinators, ${options.workers} workers, in ${dir}`,
  );

  const start = async (member: Member): Promise<void> => {
    const common = ['--redis', member.proxy.url, '--prefix', prefix];
    const env: Record<string, string> = { CADENZA_ID: member.name, CHAOS_ATTEMPTS: attemptsPath };
    if (member.role === 'coordinator') {
      const offset = nextOffset();
      env.NODE_OPTIONS = `--import=${CLOCK_OFFSET}`;
      env.CHAOS_CLOCK_OFFSET_MS = String(offset);
      const now = clock.now();
      faults.push({ kind: 'clock', target: member.name, start: now, end: now, ms: offset });
      member.node = await startCadenza(
        'coordinator',
        [...common, '--leader-ttl-ms', String(SETTINGS.leaderTtlMs), '--log-level', 'info'],
        env,
      );
    } else {
      member.node = await startCadenza(
        'worker',
        [
          ...common,
          '--handlers',
          HANDLERS,
          '--concurrency',
          String(SETTINGS.concurrency),
          '--lease-ms',
          String(SETTINGS.leaseMs),
          '--shutdown-timeout-ms',
          '2000',
          '--tenant-limits',
          JSON.stringify(SETTINGS.tenantLimits),
          '--resources',
          JSON.stringify(SETTINGS.resources),
          '--log-level',
          'warn',
        ],
        env,
      );
    }
  };

  const running = { enqueue: true, sample: true };
  const loops: Promise<void>[] = [];
  let result: RunResult | undefined;
  try {
    for (const [role, list] of [
      ['coordinator', names('c', options.coordinators)],
      ['worker', names('w', options.workers)],
    ] as const) {
      for (const name of list) {
        const member: Member = { name, role, proxy: await startProxy(redis.port), node: undefined };
        members.set(name, member);
        await start(member);
      }
    }
    const baselineMemory = await usedMemory(redis);
    const scheduledAt = clock.now();
    await store.upsertSchedule(
      prepareSchedule(SCHEDULE, {
        name: 'tick',
        tenant: 'c',
        cron: '* * * * * *',
        misfireGraceMs: SETTINGS.misfireGraceMs,
        payload: { ms: 5 },
        maxAttempts: 3,
      }),
      // The same instant the checker counts fires from: the first fire is the first second
      // after the upsert's own now (a second clock.now() here once lay 40 ms later, past a
      // whole second, and the checker missed a fire the store never owed).
      scheduledAt,
    );

    // The plan's times count from here, once every process is up.
    const t0 = clock.now();
    // Who leads, four times a second, read straight from Redis (not through a proxy).
    loops.push(
      (async () => {
        while (running.sample) {
          try {
            const now = clock.now();
            const lease = await store.getLeadership(now);
            samples.push({
              t: now,
              leader: lease?.nodeId,
              ...(lease === undefined ? {} : { leftMs: lease.expiresAt - now }),
            });
          } catch {
            samples.push({ t: clock.now(), leader: undefined });
          }
          await sleep(250);
        }
      })(),
    );
    // The workload: a batch every 250 ms; a batch Redis refused (it was down) is counted.
    const nextBatch = workload(seed);
    loops.push(
      (async () => {
        for (let step = 0; running.enqueue; step++) {
          const planned = nextBatch();
          const now = clock.now();
          const jobs = prepareJobs(
            planned.map(({ after: _, ...input }) => input),
            now,
          );
          planned.forEach((p, k) => {
            const parent = p.after === undefined ? undefined : jobs[p.after];
            const job = jobs[k];
            if (parent !== undefined && job !== undefined) job.dependsOn = [parent.id];
          });
          try {
            const answers = await store.enqueue(jobs, now);
            enqueued.push(...answers.map((a) => a.id));
          } catch {
            unacknowledged += jobs.length;
          }
          const due = t0 + (step + 1) * 250;
          if (due > clock.now()) await sleep(due - clock.now());
        }
      })(),
    );

    // The faults, each at its planned time, each undone at its end.
    const plan = planFaults(seed, seconds, {
      coordinators: options.coordinators,
      workers: options.workers,
      redisFaults,
    });
    say(`plan: ${plan.length} faults`);
    const inject = async (planned: PlannedFault): Promise<void> => {
      if (planned.kind === 'redis-kill' || planned.kind === 'redis-shutdown') {
        const began = clock.now();
        if (planned.kind === 'redis-kill') {
          const client = redis.client();
          client.on('error', () => undefined);
          const info = await client.info('server');
          client.disconnect();
          const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
          process.kill(pid, 'SIGKILL');
        } else {
          const client = redis.client();
          client.on('error', () => undefined);
          await client.call('SHUTDOWN').catch(() => undefined);
          client.disconnect();
        }
        await sleep(planned.durationMs);
        await redis.restart();
        faults.push({ kind: planned.kind, target: 'redis', start: began, end: clock.now() });
        return;
      }
      const member = members.get(planned.target);
      const node = member?.node;
      if (member === undefined || node === undefined) return;
      const pid = node.proc.pid;
      const began = clock.now();
      switch (planned.kind) {
        case 'kill':
          node.proc.kill('SIGKILL');
          await node.exited;
          member.node = undefined;
          await sleep(planned.durationMs);
          await start(member);
          break;
        case 'stop':
          node.proc.kill('SIGSTOP');
          await sleep(planned.durationMs);
          node.proc.kill('SIGCONT');
          break;
        case 'partition':
          member.proxy.cut();
          await sleep(planned.durationMs);
          member.proxy.restore();
          break;
        case 'latency':
          member.proxy.latency(planned.ms ?? 0);
          await sleep(planned.durationMs);
          member.proxy.latency(0);
          break;
      }
      faults.push({
        kind: planned.kind,
        target: planned.target,
        start: began,
        end: clock.now(),
        ...definedOnly({ pid, ms: planned.ms }),
      });
    };
    const faultTasks = plan.map(async (planned) => {
      const due = t0 + planned.at;
      if (due > clock.now()) await sleep(due - clock.now());
      await inject(planned);
    });
    await Promise.all(faultTasks);
    const faultsEnded = clock.now();
    say(`faults over after ${((faultsEnded - t0) / 1000).toFixed(1)} s; draining`);

    // Everything resumed (each fault undid itself); stop adding work, pause the schedule.
    running.enqueue = false;
    await loops[1];
    const pausedAt = clock.now();
    await store.setSchedulePaused('c', SCHEDULE, true, pausedAt);
    let all: ListedJob[] = [];
    let open = 0;
    try {
      await waitFor(
        () => `the queue to drain (${open} jobs not final)`,
        async () => {
          all = await listAll(store);
          open = all.filter((j) => !['succeeded', 'failed', 'canceled'].includes(j.status)).length;
          return open === 0;
        },
        180_000,
      );
    } catch {
      // Not drained: the final-state check names the jobs.
      say(`${open} jobs still not final after 180 s`);
    }
    running.sample = false;
    await loops[0];
    const drained = clock.now();
    say(`drained in ${((drained - faultsEnded) / 1000).toFixed(1)} s`);

    // The checks.
    const stored: (Job | undefined)[] = [];
    for (let k = 0; k < enqueued.length; k += 500) stored.push(...(await store.getJobs(enqueued.slice(k, k + 500))));
    const events = readJsonLines<AttemptEvent>(attemptsPath);
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ seed, seconds, scheduledAt, pausedAt, settings: SETTINGS }));
    writeFileSync(join(dir, 'faults.jsonl'), faults.map((f) => JSON.stringify(f)).join('\n'));
    writeFileSync(join(dir, 'leaders.jsonl'), samples.map((s) => JSON.stringify(s)).join('\n'));
    writeFileSync(
      join(dir, 'jobs.jsonl'),
      all
        .map((j) =>
          JSON.stringify({ id: j.id, status: j.status, attempt: j.attempt, sf: j.scheduledFor, err: j.error }),
        )
        .join('\n'),
    );
    const lapse = SETTINGS.leaseMs - SETTINGS.heartbeatMs - SETTINGS.maxSkewMs - SETTINGS.maxLatencyMs;
    const spans = spansOf(events, faults, lapse);
    const fires = all.filter((j) => j.scheduleId === SCHEDULE).map((j) => j.scheduledFor ?? 0);
    const fireFindings = checkFires(fires, {
      periodMs: 1000,
      graceMs: SETTINGS.misfireGraceMs,
      skewMs: SETTINGS.maxSkewMs,
      outages: leaderOutages(faults, samples, SETTINGS.leaderTtlMs + 2000),
      firstDue: Math.floor(scheduledAt / 1000) * 1000 + 1000,
      pausedAt,
    });
    const limits = checkLimits(spans, {
      tenantMaxActive: Object.fromEntries(Object.entries(SETTINGS.tenantLimits).map(([t, l]) => [t, l.maxActive])),
      resources: SETTINGS.resources,
    });
    const invariants: Invariant[] = [
      {
        name: 'every enqueued job and fire final',
        findings: notFinal(
          [...enqueued, ...all.filter((j) => j.scheduleId === SCHEDULE).map((j) => j.id)],
          [...stored, ...all],
        ),
      },
      { name: 'no fire time twice', findings: fireFindings.doubled },
      { name: 'no fire missing beyond the misfire rule', findings: fireFindings.unexplainedGaps },
      { name: 'no attempt under a live lease', findings: leaseOverlaps(spans) },
      { name: 'tenant maxActive and resource capacity', findings: limits.over },
    ];
    const doctor = await runCli(['doctor', '--redis', redis.url, '--prefix', prefix]);
    invariants.push({ name: 'cadenza doctor: no finding', findings: doctorFindings(doctor) });

    // Retention: the checks above read every job, so the run's coordinators keep them (7
    // days, the default); they stop, and a coordinator started as an operator would, with a
    // short retention, leads and trims.
    const peakMemory = await usedMemory(redis);
    for (const m of members.values()) if (m.role === 'coordinator') await m.node?.stop('SIGTERM');
    const retainer = await startCadenza('coordinator', [
      ...['--redis', redis.url, '--prefix', prefix, '--log-level', 'warn'],
      ...['--retention-max-age-ms', '1', '--retention-max-count', '1', '--retention-every-ms', '500'],
    ]);
    let memory = peakMemory;
    let left = all.length;
    const bound = baselineMemory + MEMORY_BOUND_BYTES;
    const memoryFindings: string[] = [];
    try {
      // Retention keeps one finished job per tenant: once it has run, at most that many.
      await waitFor(
        () => `retention to run (${left} jobs left)`,
        async () => {
          left = (await listAll(store)).length;
          return left <= Object.keys(SETTINGS.tenantLimits).length;
        },
        60_000,
      );
      memory = await usedMemory(redis);
      if (memory > bound) memoryFindings.push(`used_memory ${memory} > ${bound} once retention ran`);
    } catch (error) {
      memoryFindings.push(String(error));
    } finally {
      await retainer.stop('SIGTERM');
    }
    invariants.push({
      name: `Redis memory back under baseline + ${MEMORY_BOUND_BYTES >> 20} MiB`,
      findings: memoryFindings,
    });
    const doctorAfter = await runCli(['doctor', '--redis', redis.url, '--prefix', prefix]);
    invariants.push({ name: 'cadenza doctor after retention: no finding', findings: doctorFindings(doctorAfter) });

    const failed = invariants.some((i) => i.findings.length > 0);
    const count = <T>(items: readonly T[], key: (item: T) => string) => {
      const counts = new Map<string, number>();
      for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
      return [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
    };
    const byStatus = count(
      stored.filter((j) => j !== undefined),
      (j) => j.status,
    );
    const nonzero = faults.filter((f) => f.kind !== 'clock' || f.ms !== 0);
    const lines = [
      `seed ${seed}: ${failed ? 'FAILED' : 'passed'} (${seconds} s of faults, drain ${((drained - faultsEnded) / 1000).toFixed(1)} s, run ${((clock.now() - runStart) / 1000).toFixed(1)} s)`,
      `faults: ${count(nonzero, (f) => f.kind) || 'none'}`,
      `clock offsets (ms): ${faults
        .filter((f) => f.kind === 'clock')
        .map((f) => `${f.target} ${f.ms}`)
        .join(', ')}`,
      `jobs: ${enqueued.length} enqueued (${unacknowledged} refused while Redis was down); final: ${byStatus}`,
      `attempts: ${spans.length}; most at once: ${Object.entries(limits.most)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
      `fires: ${fires.length} (${fireFindings.explainedGaps} gap(s) explained by leader outages)`,
      `memory: baseline ${mib(baselineMemory)}, before retention ${mib(peakMemory)}, after ${mib(memory)}`,
      ...invariants.map(
        (i) =>
          `${i.findings.length === 0 ? 'ok  ' : 'FAIL'} ${i.name}${i.findings.length === 0 ? '' : ` (${i.findings.length})`}`,
      ),
      ...invariants.flatMap((i) => i.findings.slice(0, 10).map((f) => `  ${i.name}: ${f}`)),
      ...(failed ? [`logs kept in ${dir}`] : []),
    ];
    const summary = lines.join('\n');
    writeFileSync(join(dir, 'summary.txt'), `${summary}\n`);
    result = { seed, summary, invariants, failed, dir };
    return result;
  } finally {
    running.enqueue = false;
    running.sample = false;
    await Promise.allSettled(loops);
    for (const m of members.values()) {
      const node = m.node;
      if (node !== undefined && node.proc.exitCode === null && node.proc.signalCode === null) {
        node.proc.kill('SIGCONT');
        node.proc.kill('SIGKILL');
        await node.exited;
      }
      await m.proxy.close();
    }
    await store.close();
    await redis.stop();
    if (result !== undefined && !result.failed && process.env.CHAOS_KEEP === undefined)
      rmSync(dir, { recursive: true, force: true });
  }
}

/** Every job of the prefix, read through the store a page at a time. */
async function listAll(store: ReturnType<typeof createRedisStore>): Promise<ListedJob[]> {
  const jobs: ListedJob[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listJobs({ limit: 1000, ...definedOnly({ cursor }) });
    jobs.push(...page.jobs);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return jobs;
}

async function usedMemory(redis: RedisHarness): Promise<number> {
  const client = redis.client();
  client.on('error', () => undefined);
  try {
    return Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
  } finally {
    client.disconnect();
  }
}

/** `cadenza doctor` passes with exit 0 and its one summary line; else each line is a finding. */
function doctorFindings(run: { code: number | null; stdout: string; stderr: string }): string[] {
  if (run.code === 0 && /^no findings/.test(run.stdout)) return [];
  return [`exit ${run.code}`, ...`${run.stdout}${run.stderr}`.split('\n').filter((line) => line.trim() !== '')];
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
