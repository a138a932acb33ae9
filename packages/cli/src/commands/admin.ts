import { definedOnly, JOB_STATUSES, type JobInput, type JobStatus, prepareJob, realClock } from '@cadenza/core';
import { jobJson, scheduleJson } from '@cadenza/server';
import type { Command } from 'commander';
import { option } from '../env.js';
import { integer, oneLine, UsageError } from '../errors.js';
import { showDefault } from '../help.js';
import { addStoreOptions, type StoreFlags } from '../store-flags.js';
import { table } from '../table.js';
import { registerDoctor } from './doctor.js';
import { newestJobs } from './newest-jobs.js';
import { failuresLine, recentFailures } from './recent-failures.js';
import { readStatus, statusText } from './status-text.js';
import { out, withStore } from './with-store.js';

// The admin verbs, straight against a store (`--store S` or `--redis URL`), with or without
// processes running on it: enqueue, jobs, jobs show, schedules, status (doctor: doctor.ts).

const iso = (ms: number | undefined): string => (ms === undefined ? '-' : new Date(ms).toISOString());

type JobsFlags = StoreFlags & { status?: string; tenant?: string; name?: string; tag?: string; limit: string };

export function registerAdmin(program: Command): void {
  registerVerbs(program);
  registerDoctor(program);
  // Every verb (and `jobs show`) takes `--store S` or `--redis URL`, and `--prefix`.
  for (const command of program.commands.filter((c) => ADMIN_VERBS.has(c.name()))) {
    for (const verb of [command, ...command.commands]) addStoreOptions(verb);
  }
}

const ADMIN_VERBS = new Set(['enqueue', 'jobs', 'schedules', 'status', 'doctor']);

function registerVerbs(program: Command): void {
  program
    .command('enqueue')
    .description('adds a job and prints its id')
    .argument('<name>', 'job name (which handler runs it)')
    .addOption(option('--payload <json>', 'the job payload, as JSON'))
    .addOption(showDefault(option('--tenant <tenant>', 'tenant'), 'the tenant "default"'))
    .addOption(showDefault(option('--priority <n>', '0-9, higher runs first'), '5'))
    .addOption(option('--delay <ms>', 'run no sooner than this many ms from now'))
    .addOption(option('--idempotency-key <key>', 'a repeat with the same key returns the first job'))
    .addOption(showDefault(option('--max-attempts <n>', 'attempts before the job fails'), '1'))
    .action(
      async (
        name: string,
        flags: StoreFlags & {
          payload?: string;
          tenant?: string;
          priority?: string;
          delay?: string;
          idempotencyKey?: string;
          maxAttempts?: string;
        },
      ) => {
        const input: JobInput = { name };
        if (flags.payload !== undefined) {
          try {
            input.payload = JSON.parse(flags.payload);
          } catch (error) {
            throw new UsageError(`--payload: not JSON: ${oneLine(error)}`);
          }
        }
        if (flags.tenant !== undefined) input.tenant = flags.tenant;
        if (flags.priority !== undefined) input.priority = integer('--priority', flags.priority, 0, 9);
        if (flags.delay !== undefined) input.delayMs = integer('--delay', flags.delay, 0);
        if (flags.idempotencyKey !== undefined) input.idempotencyKey = flags.idempotencyKey;
        if (flags.maxAttempts !== undefined) input.maxAttempts = integer('--max-attempts', flags.maxAttempts, 1);
        const now = realClock.now();
        let job: ReturnType<typeof prepareJob>;
        try {
          job = prepareJob(input, now);
        } catch (error) {
          throw new UsageError(oneLine(error));
        }
        const [result] = await withStore(flags, (store) => store.enqueue([job], now), false);
        out(result?.id ?? job.id);
      },
    );

  const jobs = program
    .command('jobs')
    .enablePositionalOptions()
    .description('lists jobs, newest first (`jobs show ID` prints one as JSON)')
    .addOption(option('--status <status>', JOB_STATUSES.join(', ')))
    .addOption(option('--tenant <tenant>', 'only this tenant'))
    .addOption(option('--name <name>', 'only jobs of this name'))
    .addOption(option('--tag <tag>', 'only jobs carrying this tag'))
    .addOption(option('--limit <n>', 'at most this many, 1-1000').default('50'))
    .action(async (flags: JobsFlags) => {
      if (flags.status !== undefined && !(JOB_STATUSES as readonly string[]).includes(flags.status)) {
        throw new UsageError(
          `--status: got ${JSON.stringify(flags.status)}, expected one of ${JOB_STATUSES.join(', ')}`,
        );
      }
      const limit = integer('--limit', flags.limit, 1, 1000);
      const jobs = await withStore(flags, (store) =>
        newestJobs(
          store,
          {
            ...(flags.status === undefined ? {} : { status: flags.status as JobStatus }),
            ...definedOnly({ tenant: flags.tenant, name: flags.name, tag: flags.tag }),
          },
          limit,
        ),
      );
      out(
        table(
          ['ID', 'NAME', 'TENANT', 'STATUS', 'PRI', 'ATTEMPT', 'CREATED', 'FINISHED'],
          jobs.map((j) => [
            j.id,
            j.name,
            j.tenant,
            j.status,
            String(j.priority),
            `${j.attempt}/${j.maxAttempts}`,
            iso(j.createdAt),
            iso(j.finishedAt),
          ]),
        ),
      );
    });

  jobs
    .command('show')
    .description('prints one job as JSON')
    .argument('<id>', 'job id')
    .action(async (id: string, flags: StoreFlags) => {
      const job = await withStore(flags, (store) => store.getJob(id));
      if (job === undefined) throw new UsageError(`job ${id}: not found`, 1);
      out(JSON.stringify(jobJson(job), null, 2));
    });

  program
    .command('schedules')
    .description('lists schedules')
    .addOption(option('--tenant <tenant>', 'only this tenant'))
    .action(async (flags: StoreFlags & { tenant?: string }) => {
      const schedules = await withStore(flags, async (store) => {
        const all = [];
        let cursor: string | undefined;
        do {
          const page = await store.listSchedules({
            limit: 500,
            ...definedOnly({ tenant: flags.tenant, cursor }),
          });
          all.push(...page.schedules);
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        return all;
      });
      out(
        table(
          ['ID', 'TENANT', 'NAME', 'TRIGGER', 'NEXT FIRE', 'LAST FIRE', 'RUNS', 'PAUSED'],
          schedules.map((s) => {
            const j = scheduleJson(s);
            const trigger =
              j.cron !== undefined
                ? `cron ${j.cron} ${j.tz ?? ''}`.trim()
                : j.every !== undefined
                  ? `every ${j.every}ms`
                  : j.at !== undefined
                    ? `at ${j.at}`
                    : 'manual';
            return [
              s.id,
              s.tenant,
              s.job.name,
              trigger,
              iso(s.nextFireAt),
              iso(s.lastFireAt),
              String(s.runCount),
              String(s.paused),
            ];
          }),
        ),
      );
    });

  program
    .command('status')
    .description(
      'the cluster at a glance: the leader, live processes, queue depths by tenant and failures in the last hour',
    )
    .action(async (flags: StoreFlags) => {
      const now = realClock.now();
      const [view, failures] = await withStore(flags, (store) =>
        Promise.all([readStatus(store, now), recentFailures(store, now)]),
      );
      out(`${statusText(now, view)}\n\n${failuresLine(failures)}`);
    });
}
