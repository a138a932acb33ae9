import { invalidArgument } from '../../errors.js';

/**
 * For store implementations: checks a store's `tenantWeights` option and answers each
 * tenant's weight. A weight is how many jobs a tenant gets in a row per turn of the round
 * robin, so it is rounded to a whole number (at least 1): weights 3 and 1 serve 3 of one
 * tenant's jobs, then 1 of the other's, in each band. A tenant not named weighs 1.
 */
export function tenantWeightsOf(weights: Record<string, number>): (tenant: string) => number {
  const table = new Map<string, number>();
  for (const [tenant, weight] of Object.entries(weights)) {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
      throw invalidArgument(`tenantWeights.${tenant}`, weight, 'a positive number');
    }
    table.set(tenant, Math.max(1, Math.round(weight)));
  }
  return (tenant) => table.get(tenant) ?? 1;
}
