import { z } from 'zod';

export type AppName = 'control-plane' | 'provisioner' | 'edge' | 'counter' | 'data-api';

const APPS_BEHIND_EDGE: readonly AppName[] = ['edge', 'counter', 'data-api'];

const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/platform'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  // TLS to Cloud SQL and Memorystore: the server CA each must chain to (PEM files, mounted from a Secret).
  DATABASE_CA_CERT_FILE: z.string().min(1).optional(),
  REDIS_CA_CERT_FILE: z.string().min(1).optional(),
  // Prepended to every Redis key and channel of this process (BullMQ, caches, pub/sub): `t:<tenantId>:` on GKE.
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{0,80}$/, 'must be letters, digits and _ : . - (at most 80)')
    .default(''),
  // How long a SIGTERM'd app keeps serving while unready, so load balancers stop sending to it first.
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(120_000).default(0),
  // `single`: a tenant's own edge and workloads on GKE, serving TENANT_ID only and verifying callers themselves.
  TENANT_MODE: z.enum(['shared', 'single']).default('shared'),
  TENANT_ID: z.uuid().optional(),
  TENANT_SLUG: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/, 'must be a tenant slug')
    .optional(),
  TENANT_TOKEN_SIGNING_KEY: z
    .string()
    .regex(/^[\w-]{43,}$/, 'must be base64url, at least 32 bytes')
    .optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,32}$/)
    .default('platform'),
  PLATFORM_DOMAIN: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'must be a lowercase DNS name')
    .default('localhost'),
  ASSET_DIR: z.string().min(1).default('var/assets'),
  // Set on GKE, where each tenant's edge reads branding from the tenant's public bucket instead of ASSET_DIR.
  ASSET_BASE_URL: z.url().optional(),
  CONTROL_PLANE_PORT: port(3000),
  EDGE_PORT: port(8080),
  EDGE_PUBLIC_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  COUNTER_PORT: port(3001),
  DATA_API_PORT: port(3002),
  PROVISIONER_PORT: port(3003),
  COUNTER_URL: z.url().default('http://127.0.0.1:3001'),
  DATA_API_URL: z.url().default('http://127.0.0.1:3002'),
  ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  EDGE_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  PROVISIONING_TARGET: z.enum(['local', 'pulumi']).default('local'),
  // Standard OpenTelemetry variables; tracing is off unless an OTLP endpoint is given.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z
    .string()
    .regex(/^[\w.-]{1,64}$/)
    .optional(),
  // Read only by the pulumi target, which names the missing ones at boot.
  PULUMI_BACKEND_URL: z
    .string()
    .regex(
      /^(https|gs|s3|azblob|file):\/\//,
      'must be a Pulumi backend URL (https://, gs://, s3://, azblob://, file://)',
    )
    .optional(),
  PULUMI_CONFIG_PASSPHRASE: z.string().min(16, 'must be at least 16 characters').optional(),
  PULUMI_SECRETS_PROVIDER: z
    .string()
    .regex(/^(gcpkms|awskms|azurekeyvault|hashivault):\/\//, 'must be a KMS URL like gcpkms://projects/...')
    .optional(),
  PULUMI_PLATFORM_STACK: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+\/[\w.-]+$/, 'must be <organization>/<project>/<stack>')
    .optional(),
  PULUMI_IMAGE_TAG: z
    .string()
    .regex(/^\w[\w.-]{0,127}$/, 'must be a container image tag')
    .optional(),
  PULUMI_REFRESH: z.stringbool().default(false),
  KUBE_CONTEXT: z.string().min(1).optional(),
  DATABASE_POOL_MAX: positiveInt(10),
  PROVISIONER_CONCURRENCY: positiveInt(4),
  // The provisioner's CPU priority (nice, 0–19): converging is background work, the admin API is not.
  PROVISIONER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  // Changes enqueued within this window go to Redis in one addBulk (0: within the same event-loop turn).
  PROVISIONING_ENQUEUE_WINDOW_MS: z.coerce.number().int().min(0).max(1_000).default(2),
  PROVISIONER_MAX_ATTEMPTS: positiveInt(5),
  PROVISIONER_BACKOFF_MS: positiveInt(1_000),
  PROVISIONER_LOCK_MS: positiveInt(30_000),
  RECONCILE_INTERVAL_MS: positiveInt(15_000),
  EDGE_ROUTE_CACHE_MS: positiveInt(30_000),
  BODY_LIMIT_BYTES: positiveInt(512 * 1024),
  // Only where TLS ends at the platform's own apps; 0 (off) locally, where everything is plain HTTP.
  HSTS_MAX_AGE_S: z.coerce.number().int().min(0).max(63_072_000).default(0),
  TENANT_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TENANT_JWT_TTL_SECONDS: z.coerce.number().int().min(30).max(3_600).default(900),
  COUNTER_LEASE_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  // Request limits per tenant tier (token bucket: sustained rate, and burst = bucket size); a tenant's
  // own `limits` override them.
  RATE_LIMIT_STARTER_RPS: positiveInt(50),
  RATE_LIMIT_STARTER_BURST: positiveInt(100),
  RATE_LIMIT_BUSINESS_RPS: positiveInt(500),
  RATE_LIMIT_BUSINESS_BURST: positiveInt(1_000),
  RATE_LIMIT_ENTERPRISE_RPS: positiveInt(5_000),
  RATE_LIMIT_ENTERPRISE_BURST: positiveInt(10_000),
  EDGE_TENANT_MAX_IN_FLIGHT: positiveInt(64),
  // `off`: no rate limits or in-flight caps at the edge (the counter benchmark measures their cost against it).
  EDGE_TENANT_LIMITS: z.enum(['on', 'off']).default('on'),
  EDGE_UPSTREAM_HEADERS_TIMEOUT_MS: positiveInt(30_000),
  EDGE_UPSTREAM_BODY_TIMEOUT_MS: positiveInt(30_000),
  HTTP_HEADERS_TIMEOUT_MS: positiveInt(10_000),
  HTTP_REQUEST_TIMEOUT_MS: positiveInt(120_000),
  HTTP_IDLE_TIMEOUT_MS: positiveInt(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt(5_000),
  DATA_MAX_JSON_BYTES: positiveInt(16 * 1024 * 1024),
  DATA_MAX_STREAM_BYTES: positiveInt(512 * 1024 * 1024),
  DATA_MAX_IMPORT_BYTES: positiveInt(1024 * 1024 * 1024),
  DATA_MAX_ASYNC_BYTES: positiveInt(64 * 1024 * 1024),
  DATA_MAX_ROWS_PER_REQUEST: positiveInt(1_000_000),
  DATA_STATS_CACHE_TTL_S: positiveInt(300),
  DATA_INGESTION_CONCURRENCY: positiveInt(2),
  DATA_INGESTION_SWEEP_MS: positiveInt(30_000),
  DATA_MAX_LINE_BYTES: positiveInt(64 * 1024),
  DATA_MAX_ROLLUP_KEYS: positiveInt(100_000),
  DATA_IDEMPOTENCY_TTL_S: positiveInt(86_400),
  USAGE_FLUSH_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  USAGE_SAMPLE_CHECK_MS: positiveInt(3_600_000),
  // `tenant` where workloads hold only their tenant's credentials (GKE): usage goes to the tenant's schema.
  USAGE_STORE: z.enum(['platform', 'tenant']).default('platform'),
  USAGE_COLLECT_INTERVAL_MS: z.coerce.number().int().min(0).default(0),
});

type Env = z.infer<typeof envSchema>;

function toConfig(app: AppName, env: Env, signingSecret: string) {
  return {
    app: { name: app, env: env.NODE_ENV, logLevel: env.LOG_LEVEL, shutdownDelayMs: env.SHUTDOWN_DELAY_MS },
    tracing: { otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME },
    database: { url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX, caCertFile: env.DATABASE_CA_CERT_FILE },
    // `prefix` names every key and channel: BullMQ's prefix, caches and pub/sub all start with it.
    redis: {
      url: env.REDIS_URL,
      caCertFile: env.REDIS_CA_CERT_FILE,
      prefix: `${env.REDIS_KEY_PREFIX}${env.QUEUE_PREFIX}`,
    },
    tenancy: singleTenantOf(env),
    platform: { domain: env.PLATFORM_DOMAIN, edgePublicPort: env.EDGE_PUBLIC_PORT ?? env.EDGE_PORT },
    assets: { dir: env.ASSET_DIR, baseUrl: env.ASSET_BASE_URL },
    security: { hstsMaxAgeSeconds: env.HSTS_MAX_AGE_S },
    controlPlane: { port: env.CONTROL_PLANE_PORT, adminToken: env.ADMIN_TOKEN, bodyLimitBytes: env.BODY_LIMIT_BYTES },
    provisioner: {
      port: env.PROVISIONER_PORT,
      target: env.PROVISIONING_TARGET,
      concurrency: env.PROVISIONER_CONCURRENCY,
      nice: env.PROVISIONER_NICE,
      enqueueWindowMs: env.PROVISIONING_ENQUEUE_WINDOW_MS,
      maxAttempts: env.PROVISIONER_MAX_ATTEMPTS,
      backoffMs: env.PROVISIONER_BACKOFF_MS,
      lockMs: env.PROVISIONER_LOCK_MS,
      reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
    },
    pulumi: {
      backendUrl: env.PULUMI_BACKEND_URL,
      passphrase: env.PULUMI_CONFIG_PASSPHRASE,
      secretsProvider: env.PULUMI_SECRETS_PROVIDER,
      platformStack: env.PULUMI_PLATFORM_STACK,
      imageTag: env.PULUMI_IMAGE_TAG,
      refresh: env.PULUMI_REFRESH,
    },
    kubernetes: { context: env.KUBE_CONTEXT },
    edge: {
      port: env.EDGE_PORT,
      signingSecret,
      routeCacheMs: env.EDGE_ROUTE_CACHE_MS,
      counterUrl: env.COUNTER_URL,
      dataApiUrl: env.DATA_API_URL,
      tenantLimits: env.EDGE_TENANT_LIMITS === 'on',
      tenantMaxInFlight: env.EDGE_TENANT_MAX_IN_FLIGHT,
      upstreamHeadersTimeoutMs: env.EDGE_UPSTREAM_HEADERS_TIMEOUT_MS,
      upstreamBodyTimeoutMs: env.EDGE_UPSTREAM_BODY_TIMEOUT_MS,
    },
    tenantLimits: {
      starter: { requestsPerSecond: env.RATE_LIMIT_STARTER_RPS, burst: env.RATE_LIMIT_STARTER_BURST },
      business: { requestsPerSecond: env.RATE_LIMIT_BUSINESS_RPS, burst: env.RATE_LIMIT_BUSINESS_BURST },
      enterprise: { requestsPerSecond: env.RATE_LIMIT_ENTERPRISE_RPS, burst: env.RATE_LIMIT_ENTERPRISE_BURST },
    },
    // Every app's HTTP server: time to receive the headers, the whole request, and idle sockets.
    http: {
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      idleTimeoutMs: env.HTTP_IDLE_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    counter: { port: env.COUNTER_PORT, leaseSize: env.COUNTER_LEASE_SIZE },
    // Without its own secret the JWT key is derived (HKDF) from the edge secret, never equal to it.
    tenantAuth: { jwtSecret: env.TENANT_JWT_SECRET ?? signingSecret, jwtTtlSeconds: env.TENANT_JWT_TTL_SECONDS },
    dataApi: {
      port: env.DATA_API_PORT,
      maxJsonBytes: env.DATA_MAX_JSON_BYTES,
      maxStreamBytes: env.DATA_MAX_STREAM_BYTES,
      maxImportBytes: env.DATA_MAX_IMPORT_BYTES,
      maxAsyncBytes: env.DATA_MAX_ASYNC_BYTES,
      maxRowsPerRequest: env.DATA_MAX_ROWS_PER_REQUEST,
      statsCacheTtlSeconds: env.DATA_STATS_CACHE_TTL_S,
      ingestionConcurrency: env.DATA_INGESTION_CONCURRENCY,
      ingestionSweepMs: env.DATA_INGESTION_SWEEP_MS,
      maxLineBytes: env.DATA_MAX_LINE_BYTES,
      maxRollupKeys: env.DATA_MAX_ROLLUP_KEYS,
      idempotencyTtlSeconds: env.DATA_IDEMPOTENCY_TTL_S,
    },
    usage: {
      flushIntervalMs: env.USAGE_FLUSH_INTERVAL_MS,
      sampleCheckMs: env.USAGE_SAMPLE_CHECK_MS,
      // A single-tenant workload's login role can write only its tenant's schema, never a platform table.
      store: env.TENANT_MODE === 'single' ? ('tenant' as const) : env.USAGE_STORE,
      collectIntervalMs: env.USAGE_COLLECT_INTERVAL_MS,
    },
  };
}

export type PlatformConfig = ReturnType<typeof toConfig>;

/** A single-tenant workload's own tenant and JWT key; undefined for shared workloads. */
export interface SingleTenant {
  tenantId: string;
  tenantSlug: string;
  /** HS256 key of this tenant's JWTs, base64url (TENANT_TOKEN_SIGNING_KEY). */
  tokenSigningKey: string;
}

function singleTenantOf(env: Env): { mode: 'shared' | 'single'; single?: SingleTenant } {
  if (env.TENANT_MODE === 'shared') return { mode: 'shared' };
  return {
    mode: 'single',
    single: {
      tenantId: env.TENANT_ID ?? '',
      tenantSlug: env.TENANT_SLUG ?? '',
      tokenSigningKey: env.TENANT_TOKEN_SIGNING_KEY ?? '',
    },
  };
}

const DATABASE_SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'];

function modeProblems(app: AppName, env: Env): string[] {
  const sslMode = new URL(env.DATABASE_URL).searchParams.get('sslmode');
  const problems = [
    sslMode !== null &&
      !DATABASE_SSL_MODES.includes(sslMode) &&
      `DATABASE_URL: sslmode=${sslMode} is not supported (use ${DATABASE_SSL_MODES.join(', ')})`,
  ];
  if (env.TENANT_MODE === 'single') {
    if (app !== 'counter' && app !== 'data-api' && app !== 'edge')
      problems.push(`TENANT_MODE: single is for the edge, the counter and the data API, not ${app}`);
    problems.push(
      !env.TENANT_ID && 'TENANT_ID: required with TENANT_MODE=single',
      !env.TENANT_SLUG && 'TENANT_SLUG: required with TENANT_MODE=single',
      !env.TENANT_TOKEN_SIGNING_KEY && 'TENANT_TOKEN_SIGNING_KEY: required with TENANT_MODE=single',
    );
  }
  return problems.filter((problem): problem is string => Boolean(problem));
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; every bad variable is named in one error so a boot fails with the full list. */
export function parseConfig(app: AppName, source: NodeJS.ProcessEnv = process.env): Readonly<PlatformConfig> {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const problems = modeProblems(app, parsed.data);
  if (problems.length) throw new ConfigError(problems);
  const secret = parsed.data.EDGE_SIGNING_SECRET;
  // A single-tenant workload has no edge in front of it, and no platform-wide secret in its namespace.
  if (!secret && APPS_BEHIND_EDGE.includes(app) && parsed.data.TENANT_MODE === 'shared') {
    throw new ConfigError([`EDGE_SIGNING_SECRET: required by ${app} (the edge signs the tenant it resolved with it)`]);
  }
  return deepFreeze(toConfig(app, parsed.data, secret ?? ''));
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child);
  }
  return Object.freeze(value);
}
