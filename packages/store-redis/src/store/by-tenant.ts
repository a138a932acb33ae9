import { CadenzaError, tenantOfJobId } from '@cadenza/core';

/**
 * Groups a batch's entries by the tenant their job id names (`<tenant>:…`), keeping each
 * entry's index so answers go back in the order asked. An id naming no tenant cannot be
 * a job of this store: `onForeign` decides (answer `lost`, undefined, or refuse).
 */
export function byTenant<T>(
  items: readonly T[],
  idOf: (item: T) => string,
): {
  groups: Map<string, { item: T; index: number }[]>;
  foreign: number[];
} {
  const groups = new Map<string, { item: T; index: number }[]>();
  const foreign: number[] = [];
  items.forEach((item, index) => {
    const tenant = tenantOfJobId(idOf(item));
    if (tenant === undefined) {
      foreign.push(index);
      return;
    }
    let group = groups.get(tenant);
    if (group === undefined) {
      group = [];
      groups.set(tenant, group);
    }
    group.push({ item, index });
  });
  return { groups, foreign };
}

/** The tenant of a job id, or invalid_argument naming the field. */
export function tenantOf(id: string, field = 'id'): string {
  const tenant = tenantOfJobId(id);
  if (tenant === undefined) {
    throw new CadenzaError('invalid_argument', `${field}: got ${JSON.stringify(id)}, expected a job id (<tenant>:…)`, {
      field,
    });
  }
  return tenant;
}
