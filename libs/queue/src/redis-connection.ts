import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';

/** Where Redis is: `redis://` or `rediss://` (TLS), AUTH as the URL's password, optionally the server's CA. */
export interface RedisConnectionSettings {
  url: string;
  /** PEM file of the CA the server's certificate must chain to (Memorystore's server CA). */
  caCertFile?: string;
}

/**
 * ioredis options for a URL. `rediss://` turns TLS on with the server certificate verified (against
 * the given CA, else the system's); the URL's password is sent as AUTH (and the user name, for ACLs).
 */
export function redisConnectionOptions(
  settings: RedisConnectionSettings,
  readCa: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): RedisOptions {
  const url = new URL(settings.url);
  const tls = url.protocol === 'rediss:';
  if (!tls && settings.caCertFile) throw new Error('REDIS_CA_CERT_FILE is set but REDIS_URL is not rediss:// (TLS)');
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(db !== undefined && Number.isInteger(db) ? { db } : {}),
    ...(tls
      ? { tls: { rejectUnauthorized: true, ...(settings.caCertFile ? { ca: readCa(settings.caCertFile) } : {}) } }
      : {}),
  };
}

/**
 * Producers fail fast when Redis is down (the change is already in Postgres and the reconciler
 * enqueues it later); workers wait for Redis as long as it takes.
 */
export function createRedis(
  settings: RedisConnectionSettings | string,
  role: 'producer' | 'worker' | 'subscriber',
  extra: Pick<RedisOptions, 'enableAutoPipelining'> = {},
): Redis {
  const connection = redisConnectionOptions(typeof settings === 'string' ? { url: settings } : settings);
  const options: RedisOptions =
    role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 }
      : { maxRetriesPerRequest: null };
  return new Redis({ ...connection, ...options, ...extra, lazyConnect: false });
}
