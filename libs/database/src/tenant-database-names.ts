import { createHash } from 'node:crypto';

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
  const databaseTag = createHash('sha256').update(databaseName).digest('hex').slice(0, 8);
  const role = `${schema}_r${databaseTag}`;
  return { schema, role, login: `${role}_l` };
}
