import { createHash } from 'node:crypto';
import type { Placement, Tier } from './generated/enums.js';

export interface TenantDatabaseNames {
  schema: string;
  /** NOLOGIN owner of the schema; shared workloads `SET ROLE` to it. */
  role: string;
  /** LOGIN role of the tenant's own workloads (GKE): a member of `role`, nothing else. */
  login: string;
}

/**
 * Schema `t_<slug>` (slugs have no `_`, so `-`→`_` cannot collide). Roles are global to the
 * Postgres cluster, so the role name also carries a short hash of the database name: two
 * databases on one server (dev and test) never fight over a tenant's role.
 */
export function tenantDatabaseNames(slug: string, databaseName: string): TenantDatabaseNames {
  const schema = `t_${slug.replaceAll('-', '_')}`;
  const role = `${schema}_r${databaseTagOf(databaseName)}`;
  return { schema, role, login: `${role}_l` };
}

/**
 * The tenant's names as seen from the database a workload is connected to: the platform's (pooled, or a
 * shared workload), or, for a silo tenant's own workloads (TENANT_MODE=single, DATABASE_URL naming its
 * database), the tenant's own database `t_<slug>_d<tag>`, whose tag is the one its role names carry.
 */
export function tenantDatabaseNamesIn(slug: string, connectedDatabase: string): TenantDatabaseNames {
  const names = tenantDatabaseNames(slug, connectedDatabase);
  const siloTag = new RegExp(`^${names.schema}_d([0-9a-f]{8})$`).exec(connectedDatabase)?.[1];
  if (!siloTag) return names;
  const role = `${names.schema}_r${siloTag}`;
  return { schema: names.schema, role, login: `${role}_l` };
}

function databaseTagOf(databaseName: string): string {
  return createHash('sha256').update(databaseName).digest('hex').slice(0, 8);
}

/** Where a tenant's data lives, as its view shows it. */
export type TenantPlacement = { model: 'pooled' } | { model: 'silo'; database: string };

/** The placement of a stored tenant row (a CHECK constraint keeps `siloDatabase` set exactly for `silo`). */
export function placementOfRow(row: { placement: Placement; siloDatabase: string | null }): TenantPlacement {
  return row.placement === 'silo' ? { model: 'silo', database: row.siloDatabase! } : { model: 'pooled' };
}

/** `enterprise` tenants get a database of their own; `starter` and `business` share the pooled one. */
export function placementForTier(tier: Tier): Placement {
  return tier === 'enterprise' ? 'silo' : 'pooled';
}

/**
 * A silo tenant's own database: `t_<slug>_d<8 hex of the stack's database name>`, so the stacks
 * sharing one server (dev and every test file) never fight over it; 52 characters at most.
 */
export function siloDatabaseName(slug: string, databaseName: string): string {
  return `${tenantDatabaseNames(slug, databaseName).schema}_d${databaseTagOf(databaseName)}`;
}

/** The tenant's placement as onboarding stores it (`placement`, `siloDatabase`). */
export function placementOf(tier: Tier, slug: string, databaseName: string): TenantPlacement {
  return placementForTier(tier) === 'silo'
    ? { model: 'silo', database: siloDatabaseName(slug, databaseName) }
    : { model: 'pooled' };
}

/** The same server and settings as `databaseUrl`, another database on it. */
export function databaseUrlFor(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
