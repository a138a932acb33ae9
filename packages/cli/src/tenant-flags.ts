import { readFileSync } from 'node:fs';
import { describeValue, isCadenzaError, type SharingOptions, type TenantLimits } from '@cadenza/core';
import { gatesOf, tenantLimitsOf, tenantWeightsOf } from '@cadenza/core/store-kit';
import type { Command } from 'commander';
import { option } from './env.js';
import { oneLine, UsageError } from './errors.js';

// How tenants share a store, for the processes that claim (`worker`, `dev`): weights of the
// round robin and limits per tenant, as JSON on the command line or in a file (`@FILE`).
// They are store options: with Redis the counters they are checked against live in Redis,
// so every worker must be given the same ones for the limits to hold cluster-wide.
// So are the capacities shared by all tenants (core's ResourceLimits): `--resources`, units of
// named resources that jobs declare (`resources: { gpu: 1 }`), and `--job-concurrency`, the
// most jobs of one name active at once.

export interface TenantFlags {
  tenantWeights?: string;
  tenantLimits?: string;
  resources?: string;
  jobConcurrency?: string;
}

export function addTenantOptions(command: Command): Command {
  return command
    .addOption(option('--tenant-weights <json>', 'round-robin weights, e.g. {"acme":3} (JSON, or @FILE holding it)'))
    .addOption(
      option(
        '--tenant-limits <json>',
        'per-tenant limits, e.g. {"acme":{"maxActive":5,"rate":10,"burst":20}} (JSON, or @FILE)',
      ),
    )
    .addOption(
      option(
        '--resources <json>',
        'capacities of named resources jobs declare, shared by all tenants, e.g. {"gpu":2} (JSON, or @FILE)',
      ),
    )
    .addOption(
      option(
        '--job-concurrency <json>',
        'most jobs of a name active at once, across tenants, e.g. {"report.build":2} (JSON, or @FILE)',
      ),
    );
}

type Capacities = Record<string, number>;

/** The sharing options the flags give, each checked as the store will check it (a refusal names the flag). */
export function checkTenantFlags(flags: TenantFlags): SharingOptions {
  const settings: SharingOptions = {};
  if (flags.tenantWeights !== undefined) {
    const weights = parseJson('--tenant-weights', flags.tenantWeights) as Record<string, number>;
    checkWith('--tenant-weights', () => tenantWeightsOf(weights));
    settings.tenantWeights = weights;
  }
  if (flags.tenantLimits !== undefined) {
    const limits = parseJson('--tenant-limits', flags.tenantLimits) as Record<string, TenantLimits>;
    checkWith('--tenant-limits', () => tenantLimitsOf(limits));
    settings.tenantLimits = limits;
  }
  if (flags.resources !== undefined) {
    const resources = parseJson('--resources', flags.resources, 'by resource name') as Capacities;
    checkWith('--resources', () => gatesOf({ resources }));
    settings.resources = resources;
  }
  if (flags.jobConcurrency !== undefined) {
    const jobConcurrency = parseJson('--job-concurrency', flags.jobConcurrency, 'by job name') as Capacities;
    checkWith('--job-concurrency', () => gatesOf({ jobConcurrency }));
    settings.jobConcurrency = jobConcurrency;
  }
  return settings;
}

function parseJson(flag: string, text: string, keyed = 'by tenant'): object {
  let source = text;
  if (text.startsWith('@')) {
    try {
      source = readFileSync(text.slice(1), 'utf8');
    } catch (error) {
      throw new UsageError(`${flag}: cannot read ${text.slice(1)}: ${oneLine(error)}`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new UsageError(`${flag}: not JSON (${oneLine(error)}); expected an object ${keyed}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    // describeValue, not JSON.stringify: 10,000 nested arrays overflow the stack there.
    throw new UsageError(`${flag}: got ${describeValue(value)}, expected an object ${keyed}`);
  }
  return value;
}

/** Runs core's check, turning its refusal into a usage error that names the flag. */
function checkWith(flag: string, check: () => unknown): void {
  try {
    check();
  } catch (error) {
    if (isCadenzaError(error)) throw new UsageError(`${flag}: ${error.message}`);
    throw error;
  }
}
