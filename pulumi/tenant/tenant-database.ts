/**
 * Pure: an enterprise tenant's DATABASE_URL: the URL the provisioner set (its login role and password,
 * TLS parameters kept) on the silo instance's host (the name its certificate carries, whose CA the stack
 * mounts) and the tenant's own database. The provisioner made that database, its schema and its roles on
 * the silo instance (SILO_DATABASE_URL), and is the only one that creates or drops it: the stack declares
 * no `gcp.sql.Database` (see docs/scaling.md).
 */
export function siloDatabaseUrl(tenantDatabaseUrl: string, host: string, database: string): string {
  const url = new URL(tenantDatabaseUrl);
  url.hostname = host;
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
