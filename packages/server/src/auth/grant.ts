import { CadenzaError } from '@cadenza/core';

/** `read`: the GET routes. `write`: enqueue, cancel, retry, schedules. `admin`: everything, every tenant. */
export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * What one request may do: the scopes and tenants of the token it carried. A server without
 * tokens gives every request the open grant (every scope, every tenant). `admin` holds every
 * scope on every tenant.
 *
 * Refusals follow one rule: a missing scope, or a tenant outside the token's named in what a
 * request creates, is 403 `forbidden`; another tenant's existing job or schedule is 404, the
 * answer it would get if the object did not exist, so a token cannot learn what other tenants
 * hold; lists and events leave other tenants out.
 */
export class Grant {
  static readonly OPEN = new Grant('', '*', new Set(SCOPES));

  constructor(
    /** The token's name (empty for the open grant): what logs may say about who asked. */
    readonly name: string,
    private readonly tenants: '*' | ReadonlySet<string>,
    private readonly scopes: ReadonlySet<Scope>,
  ) {}

  /** Whether the grant holds `scope` (admin holds them all). */
  has(scope: Scope): boolean {
    return this.scopes.has('admin') || this.scopes.has(scope);
  }

  /** Whether the grant covers `tenant`'s jobs and schedules. */
  sees(tenant: string): boolean {
    return this.tenants === '*' || this.scopes.has('admin') || this.tenants.has(tenant);
  }

  /** Whether the grant covers every tenant (lists need no filtering). */
  get allTenants(): boolean {
    return this.tenants === '*' || this.scopes.has('admin');
  }

  /** The tenants the grant covers, or undefined when it covers every tenant (sums ask the store for these alone). */
  get tenantNames(): readonly string[] | undefined {
    return this.allTenants || this.tenants === '*' ? undefined : [...this.tenants].sort();
  }

  /** The one tenant the grant covers, when it covers exactly one (lists ask the store for it alone). */
  get onlyTenant(): string | undefined {
    if (this.allTenants || this.tenants === '*' || this.tenants.size !== 1) return undefined;
    return [...this.tenants][0];
  }

  /** Refuses with 403 unless the grant holds `scope`. */
  require(scope: Scope): void {
    if (!this.has(scope)) {
      throw new CadenzaError('forbidden', `authorization: this token has no "${scope}" scope`, {
        field: 'authorization',
      });
    }
  }

  /** Refuses with 403 unless the grant covers `tenant`, which a request means to write to (`field` names it). */
  requireTenant(tenant: string, field: string): void {
    if (!this.sees(tenant)) {
      throw new CadenzaError('forbidden', `${field}: ${JSON.stringify(tenant)} is not a tenant of this token`, {
        field,
      });
    }
  }
}
