import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

export interface TenantSiloDatabaseArgs {
  /** The tenant's own database (`placement.database`), on the platform's shared silo instance. */
  database: string;
  /** Cloud SQL instance name of the silo instance (platform stack output `siloDatabaseInstance`). */
  instance: pulumi.Input<string>;
  /** The name the silo instance's server certificate carries (`siloDatabaseHost`). */
  host: pulumi.Input<string>;
  /** The tenant's own URL as the provisioner set it (its login role and password); a secret. */
  tenantDatabaseUrl: pulumi.Input<string>;
}

/**
 * An enterprise tenant's database of its own, on the dedicated silo instance shared by enterprise
 * tenants (not an instance per tenant: see docs/scaling.md). The tenant's workloads reach it with the
 * tenant's own login role: the URL the provisioner set, pointed at this instance and database.
 * Destroying the stack (offboarding) deletes the database.
 */
export class TenantSiloDatabase extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;
  /** The tenant's DATABASE_URL for its own database; a secret. */
  readonly databaseUrl: pulumi.Output<string>;

  constructor(name: string, args: TenantSiloDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:tenant:TenantSiloDatabase', name, {}, opts);
    const database = new gcp.sql.Database(
      `${name}-database`,
      { name: args.database, instance: args.instance },
      { parent: this },
    );
    this.name = database.name;
    this.databaseUrl = pulumi.secret(
      pulumi
        .all([args.tenantDatabaseUrl, args.host, database.name])
        .apply(([url, host, databaseName]) => siloDatabaseUrl(url, host, databaseName)),
    );
    this.registerOutputs({ name: this.name, databaseUrl: this.databaseUrl });
  }
}

/** Pure: the tenant's URL (user, password, TLS parameters kept) on another host and database. */
export function siloDatabaseUrl(tenantDatabaseUrl: string, host: string, database: string): string {
  const url = new URL(tenantDatabaseUrl);
  url.hostname = host;
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
