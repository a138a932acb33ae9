/**
 * A band: one tenant's waiting jobs of one priority, the unit claims are made in. It is
 * written `<priority>/<tenant>` wherever it is kept or passed: a member of the ready index
 * (scored by its priority, keys.ts `readyKey`) and of the gates' waiters, the hints and notes
 * of tenant scripts (script-notes.ts), a claimer's memory of its gate offers. The
 * priority is one digit, so a tenant holding '/' still reads back whole.
 */
export type Band = string & { readonly __band: unique symbol };

export function band(priority: number | string, tenant: string): Band {
  return `${priority}/${tenant}` as Band;
}

export function bandPriority(band: Band): number {
  return Number(band.slice(0, band.indexOf('/')));
}

export function bandTenant(band: Band): string {
  return band.slice(band.indexOf('/') + 1);
}

/** A band read back from Redis (the ready index, the gates' waiters). */
export function asBand(member: string): Band {
  return member as Band;
}
