import { readFileSync } from 'node:fs';
import { isCadenzaError, type TenantLimits, tenantLimitsOf, tenantWeightsOf } from '@cadenza/core';
import type { Command } from 'commander';
import { option } from './env.js';
import { oneLine, UsageError } from './errors.js';

// How tenants share a store, for the processes that claim (`worker`, `dev`): weights of the
// round robin and limits per tenant, as JSON on the command line or in a file (`@FILE`).
// They are store options: with Redis the counters they are checked against live in Redis,
// so every worker must be given the same ones for the limits to hold cluster-wide.

export interface TenantFlags {
  tenantWeights?: string;
  tenantLimits?: string;
}

export interface TenantSettings {
  tenantWeights?: Record<string, number>;
  tenantLimits?: Record<string, TenantLimits>;
}

export function addTenantOptions(command: Command): Command {
  return command
    .addOption(option('--tenant-weights <json>', 'round-robin weights, e.g. {"acme":3} (JSON, or @FILE holding it)'))
    .addOption(
      option(
        '--tenant-limits <json>',
        'per-tenant limits, e.g. {"acme":{"maxActive":5,"rate":10,"burst":20}} (JSON, or @FILE)',
      ),
    );
}

export function checkTenantFlags(flags: TenantFlags): TenantSettings {
  const settings: TenantSettings = {};
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
  return settings;
}

function parseJson(flag: string, text: string): object {
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
    throw new UsageError(`${flag}: not JSON (${oneLine(error)}); expected an object by tenant`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${flag}: got ${JSON.stringify(value)}, expected an object by tenant`);
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
