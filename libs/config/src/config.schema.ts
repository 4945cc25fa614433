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
  PROVISIONER_MAX_ATTEMPTS: positiveInt(5),
  PROVISIONER_BACKOFF_MS: positiveInt(1_000),
  PROVISIONER_LOCK_MS: positiveInt(30_000),
  RECONCILE_INTERVAL_MS: positiveInt(15_000),
  EDGE_ROUTE_CACHE_MS: positiveInt(30_000),
  BODY_LIMIT_BYTES: positiveInt(512 * 1024),
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
});

type Env = z.infer<typeof envSchema>;

function toConfig(env: Env, signingSecret: string) {
  return {
    app: { env: env.NODE_ENV, logLevel: env.LOG_LEVEL },
    tracing: { otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME },
    database: { url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX },
    redis: { url: env.REDIS_URL, prefix: env.QUEUE_PREFIX },
    platform: { domain: env.PLATFORM_DOMAIN, edgePublicPort: env.EDGE_PUBLIC_PORT ?? env.EDGE_PORT },
    assets: { dir: env.ASSET_DIR, baseUrl: env.ASSET_BASE_URL },
    controlPlane: { port: env.CONTROL_PLANE_PORT, adminToken: env.ADMIN_TOKEN, bodyLimitBytes: env.BODY_LIMIT_BYTES },
    provisioner: {
      port: env.PROVISIONER_PORT,
      target: env.PROVISIONING_TARGET,
      concurrency: env.PROVISIONER_CONCURRENCY,
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
    },
  };
}

export type PlatformConfig = ReturnType<typeof toConfig>;

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
  const secret = parsed.data.EDGE_SIGNING_SECRET;
  if (!secret && APPS_BEHIND_EDGE.includes(app)) {
    throw new ConfigError([`EDGE_SIGNING_SECRET: required by ${app} (the edge signs the tenant it resolved with it)`]);
  }
  return deepFreeze(toConfig(parsed.data, secret ?? ''));
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child);
  }
  return Object.freeze(value);
}
