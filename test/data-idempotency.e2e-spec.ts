import { Readable } from 'node:stream';
import { Client } from 'undici';
import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { type ErrorBody, JSON_BODY, NDJSON, countRows, ndjson } from './data.support.js';
import { Stack } from './support/stack.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TTL_SECONDS = 4;

const readings = (source: string, count: number) =>
  Array.from({ length: count }, (_, index) => ({
    source,
    metric: 'power_kw',
    ts: new Date(Date.UTC(2026, 3, 1) + index * 60_000).toISOString(),
    value: index,
  }));

describe('Idempotency-Key on data API writes', () => {
  let stack: Stack;
  let tenant: TenantWithKey;
  let caller: CallerConnection;
  let schema: string;

  const send = <T>(path: string, method: string, key: string | undefined, body: string, headers = NDJSON) =>
    caller.request<T & ErrorBody>(path, {
      method,
      headers: { ...headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      body,
    });
  const ingest = (key: string | undefined, body: string) =>
    send<{ accepted: number }>('/api/data/v1/measurements', 'POST', key, body);
  const storedSource = async (source: string) =>
    (
      await stack.pg<{ count: number }>(`SELECT count(*)::int AS count FROM ${schema}.measurements WHERE source = $1`, [
        source,
      ])
    )[0]!.count;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'data-api'], {
      DATA_IDEMPOTENCY_TTL_S: String(TTL_SECONDS),
      DATA_INGESTION_SWEEP_MS: '1000',
    });
    tenant = await onboardWithKey(stack, 'didem');
    caller = new CallerConnection(stack.edgeUrl, tenant.host, tenant.key);
    schema = `t_${tenant.slug.replaceAll('-', '_')}`;
  }, 120_000);

  afterAll(async () => {
    await caller.close();
    await stack.stop();
  });

  it('answers a retried batch with the first outcome and stores it once; a different body under the key is refused', async () => {
    const body = ndjson(readings('retry', 3));
    expect(await ingest('batch-1', body)).toEqual({ status: 200, body: { accepted: 3 } });
    expect(await ingest('batch-1', body)).toEqual({ status: 200, body: { accepted: 3 } });
    expect(await storedSource('retry')).toBe(3);

    const other = await ingest('batch-1', ndjson(readings('retry', 4)));
    expect(other).toMatchObject({ status: 409, body: { error: 'IdempotencyKeyReused', message: expect.any(String) } });
    const otherRoute = await send('/api/data/v1/collections/c/records', 'PUT', 'batch-1', body);
    expect(otherRoute).toMatchObject({ status: 409, body: { error: 'IdempotencyKeyReused' } });
    expect(await storedSource('retry')).toBe(3);
    expect(await ingest(undefined, body)).toEqual({ status: 200, body: { accepted: 3 } });
    expect(await storedSource('retry')).toBe(6);
  });

  it('makes a retry sent while the first request is still in flight wait for it, then answer its outcome', async () => {
    const rows = readings('inflight', 20);
    const lines = rows.map((row) => `${JSON.stringify(row)}\n`);
    const slow = new Client(stack.edgeUrl);
    const first = (async () => {
      const response = await slow.request({
        path: '/api/data/v1/measurements',
        method: 'POST',
        headers: {
          host: tenant.host,
          authorization: `Bearer ${tenant.key}`,
          'idempotency-key': 'inflight-1',
          ...NDJSON,
        },
        body: Readable.from(
          (async function* () {
            for (const line of lines) {
              yield Buffer.from(line);
              await sleep(50);
            }
          })(),
        ),
      });
      return { status: response.statusCode, body: (await response.body.json()) as { accepted: number } };
    })();
    await sleep(300);
    const retry = await ingest('inflight-1', lines.join(''));
    const original = await first;
    await slow.close();
    expect(original).toEqual({ status: 200, body: { accepted: 20 } });
    expect(retry).toEqual({ status: 200, body: { accepted: 20 } });
    expect(await storedSource('inflight')).toBe(20);
  });

  it('stores nothing for a refused batch, so its retry is refused the same way and a fixed body can use the key', async () => {
    const bad = ndjson([...readings('fixed', 2), { source: 'fixed', metric: 'm', ts: 'never', value: 1 }]);
    const refused = await ingest('fix-1', bad);
    expect(refused).toMatchObject({ status: 400, body: { error: 'ValidationFailed', details: { line: 3 } } });
    expect(await ingest('fix-1', bad)).toEqual(refused);
    expect(await ingest('fix-1', ndjson(readings('fixed', 2)))).toEqual({ status: 200, body: { accepted: 2 } });
    expect(await storedSource('fixed')).toBe(2);
  });

  it('replays record upserts, imports and async submissions without writing them again', async () => {
    const records = ndjson([{ key: 'a', data: { n: 1 } }]);
    const put = () => send<{ upserted: number }>('/api/data/v1/collections/idem/records', 'PUT', 'rec-1', records);
    expect(await put()).toEqual({ status: 200, body: { upserted: 1 } });
    const [written] = await stack.pg<{ updated_at: Date }>(`SELECT updated_at FROM ${schema}.records WHERE key = 'a'`);
    expect(await put()).toEqual({ status: 200, body: { upserted: 1 } });
    expect(await stack.pg(`SELECT updated_at FROM ${schema}.records WHERE key = 'a'`)).toEqual([written]);

    const file = JSON.stringify({ b: { n: 2 }, c: { n: 3 } });
    const importFile = () =>
      send<{ imported: number }>('/api/data/v1/collections/idem/import', 'POST', 'imp-1', file, JSON_BODY);
    expect(await importFile()).toEqual({ status: 200, body: { imported: 2 } });
    const [imported] = await stack.pg<{ updated_at: Date }>(
      `SELECT max(updated_at) AS updated_at FROM ${schema}.records`,
    );
    expect(await importFile()).toEqual({ status: 200, body: { imported: 2 } });
    expect(await stack.pg(`SELECT max(updated_at) AS updated_at FROM ${schema}.records`)).toEqual([imported]);

    const submit = () =>
      send<{ ingestionId: string }>(
        '/api/data/v1/measurements?async=true',
        'POST',
        'async-1',
        ndjson(readings('queued', 5)),
      );
    const submitted = await submit();
    expect(submitted.status).toBe(202);
    expect(await submit()).toEqual(submitted);
    expect(await stack.pg(`SELECT id FROM ${schema}.ingestions`)).toEqual([{ id: submitted.body.ingestionId }]);
  });

  it('refuses a malformed key, and forgets keys after DATA_IDEMPOTENCY_TTL_S', async () => {
    const tooLong = await ingest('k'.repeat(201), ndjson(readings('malformed', 1)));
    expect(tooLong).toMatchObject({ status: 400, body: { error: 'ValidationFailed' } });
    expect(await ingest('with space', ndjson(readings('malformed', 1)))).toMatchObject({ status: 400 });
    expect(await storedSource('malformed')).toBe(0);

    expect(await ingest('expiring', ndjson(readings('expiring', 1)))).toMatchObject({ status: 200 });
    await sleep((TTL_SECONDS + 2) * 1_000);
    expect(await stack.pg(`SELECT key FROM ${schema}.idempotency_keys WHERE key = 'expiring'`)).toEqual([]);
    expect(await ingest('expiring', ndjson(readings('expiring', 2)))).toEqual({ status: 200, body: { accepted: 2 } });
    expect(await countRows(stack, tenant.slug, 'measurements')).toBeGreaterThan(0);
  }, 30_000);
});
