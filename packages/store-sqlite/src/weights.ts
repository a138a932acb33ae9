import { invalidArgument } from '@cadenza/core';

/** A weight is how many jobs a tenant gets in a row per turn: a whole number, at least 1. */
export function weightsOf(weights: Record<string, number>): (tenant: string) => number {
  const table = new Map<string, number>();
  for (const [tenant, weight] of Object.entries(weights)) {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
      throw invalidArgument(`tenantWeights.${tenant}`, weight, 'a positive number');
    }
    table.set(tenant, Math.max(1, Math.round(weight)));
  }
  return (tenant) => table.get(tenant) ?? 1;
}
