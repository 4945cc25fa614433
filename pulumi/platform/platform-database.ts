import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

export interface PlatformDatabaseArgs {
  region: string;
  networkId: pulumi.Input<string>;
  highAvailability: boolean;
  password: pulumi.Input<string>;
  /**
   * The database the platform's apps use; null for the silo instance, whose databases are enterprise
   * tenants' own (each made by the provisioner, as the platform user, through SILO_DATABASE_URL).
   */
  databaseName: string | null;
  /** Private service access must exist before an instance can take a private IP. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * Cloud SQL for PostgreSQL, private IP only, TLS only, with a server certificate from Google's
 * CA Service naming the instance's DNS name: clients connect by that name with `sslmode=verify-full`
 * against `caCertificate`. A private zone in the VPC resolves the name to the private IP.
 */
export class PlatformDatabase extends pulumi.ComponentResource {
  /** The platform user's URL (to `databaseName`, or to `postgres` on the silo instance); a secret. */
  readonly databaseUrl: pulumi.Output<string>;
  readonly instanceName: pulumi.Output<string>;
  readonly connectionName: pulumi.Output<string>;
  /** The name clients connect to and the server certificate carries. */
  readonly host: pulumi.Output<string>;
  readonly caCertificate: pulumi.Output<string>;

  constructor(name: string, args: PlatformDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:infra:PlatformDatabase', name, {}, opts);
    const parent = { parent: this };

    const instance = new gcp.sql.DatabaseInstance(
      `${name}-postgres`,
      {
        name: `${name}-postgres`,
        region: args.region,
        databaseVersion: 'POSTGRES_16',
        deletionProtection: true,
        settings: {
          tier: args.highAvailability ? 'db-custom-4-16384' : 'db-custom-1-3840',
          availabilityType: args.highAvailability ? 'REGIONAL' : 'ZONAL',
          ipConfiguration: {
            ipv4Enabled: false,
            privateNetwork: args.networkId,
            sslMode: 'ENCRYPTED_ONLY',
            serverCaMode: 'GOOGLE_MANAGED_CAS_CA',
          },
          backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true },
          // Each tenant workload pod holds a small pool; 100+ tenants need more than the default.
          databaseFlags: [{ name: 'max_connections', value: '1000' }],
        },
      },
      { parent: this, dependsOn: args.dependsOn },
    );

    const zone = new gcp.dns.ManagedZone(
      `${name}-sql-zone`,
      {
        name: `${name}-sql-zone`,
        dnsName: instance.dnsName,
        visibility: 'private',
        privateVisibilityConfig: { networks: [{ networkUrl: args.networkId }] },
      },
      parent,
    );
    new gcp.dns.RecordSet(
      `${name}-sql-record`,
      { managedZone: zone.name, name: instance.dnsName, type: 'A', ttl: 300, rrdatas: [instance.privateIpAddress] },
      parent,
    );

    const database = args.databaseName
      ? new gcp.sql.Database(`${name}-platform`, { name: args.databaseName, instance: instance.name }, parent).name
      : pulumi.output('postgres');
    const user = new gcp.sql.User(
      `${name}-platform-user`,
      { name: 'platform', instance: instance.name, password: args.password },
      parent,
    );

    this.instanceName = instance.name;
    this.connectionName = instance.connectionName;
    this.host = instance.dnsName.apply((dnsName) => dnsName.replace(/\.$/, ''));
    this.caCertificate = instance.serverCaCerts.apply((certs) => certs.map((cert) => cert.cert ?? '').join('\n'));
    this.databaseUrl = pulumi.secret(
      pulumi.interpolate`postgresql://${user.name}:${pulumi.output(args.password).apply(encodeURIComponent)}@${this.host}:5432/${database}?sslmode=verify-full`,
    );
    this.registerOutputs({
      instanceName: this.instanceName,
      connectionName: this.connectionName,
      host: this.host,
      caCertificate: this.caCertificate,
      databaseUrl: this.databaseUrl,
    });
  }
}
