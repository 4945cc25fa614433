import fc from 'fast-check';
import { quoteIdent, tenantDatabaseNames } from '@platform/database';
import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { Stack } from './support/stack.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

/** Near-miss values: almost a reading, almost a timestamp, almost a number. */
const nearMiss = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '',
    'park-1',
    'wind',
    '2026-01-01T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '1e400',
    'NaN',
    '\u0000',
    '\ud800',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxKeys: 3 }),
);

const reading = fc.record(
  {
    source: fc.oneof(nearMiss, fc.constantFrom('park-1', 'park-2')),
    metric: fc.oneof(nearMiss, fc.constantFrom('wind', 'solar')),
    ts: fc.oneof(
      nearMiss,
      fc
        .date({ min: new Date('1800-01-01'), max: new Date('2300-01-01'), noInvalidDate: true })
        .map((date) => date.toISOString()),
    ),
    value: fc.oneof(nearMiss, fc.double({ noNaN: true, noDefaultInfinity: true })),
    tags: nearMiss,
    extra: nearMiss,
  },
  { requiredKeys: [] },
);

/** Any generated value as a query parameter; lone surrogates become U+FFFD, as a URL cannot carry them. */
function queryValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return encodeURIComponent(Buffer.from(text ?? '', 'utf8').toString('utf8'));
}

interface FuzzedRequest {
  method: string;
  path: string;
  contentType?: string;
  body?: string;
  idempotencyKey?: string;
}

// Lowered for this file so a generated batch can cross them.
const MAX_ROLLUP_KEYS = 40;

/** Mostly a few reused keys (so retries and reuse under another body happen), sometimes malformed ones. */
const idempotencyKey = fc.option(
  fc.oneof(fc.constantFrom('k-1', 'k-2', 'k-3'), fc.string({ maxLength: 210 }), fc.constant('with space')),
  { nil: undefined },
);

/** Names joined with commas: empty names, too many, too long, control characters, near-misses. */
const filterList = fc
  .array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('park-1', 'wind', '', '\u0000', 'x'.repeat(201))), {
    maxLength: 60,
  })
  .map((names) => names.join(','));

const request: fc.Arbitrary<FuzzedRequest> = fc.oneof(
  fc.array(reading, { maxLength: 5 }).map((rows) => ({
    method: 'POST',
    path: '/api/data/v1/measurements',
    contentType: 'application/json',
    body: JSON.stringify(rows),
  })),
  fc
    .array(
      fc.oneof(
        reading.map((row) => JSON.stringify(row)),
        fc.string({ maxLength: 40 }),
      ),
      { maxLength: 5 },
    )
    .map((lines) => ({
      method: 'POST',
      path: '/api/data/v1/measurements',
      contentType: 'application/x-ndjson',
      body: lines.join('\n'),
    })),
  fc
    .tuple(
      fc.string({ maxLength: 70 }),
      fc.array(fc.record({ key: nearMiss, data: nearMiss }, { requiredKeys: [] }), { maxLength: 4 }),
    )
    .map(([collection, records]) => ({
      method: 'PUT',
      path: `/api/data/v1/collections/${encodeURIComponent(collection)}/records`,
      contentType: 'application/json',
      body: JSON.stringify(records),
    })),
  fc.tuple(fc.constantFrom('stats', ''), fc.webQueryParameters(), nearMiss).map(([kind, query, value]) => ({
    method: 'GET',
    path: `/api/data/v1/measurements${kind ? '/stats' : ''}?${query}&from=${queryValue(value)}`,
  })),
  // A line past the line limit, alone or after valid lines.
  fc.tuple(fc.integer({ min: 60_000, max: 70_000 }), fc.boolean(), idempotencyKey).map(([length, after, key]) => ({
    method: 'POST',
    path: '/api/data/v1/measurements',
    contentType: 'application/x-ndjson',
    body: `${after ? '{"source":"park-1","metric":"wind","ts":"2026-01-01T00:00:00Z","value":1}\n' : ''}{"source":"${'s'.repeat(length)}"}`,
    idempotencyKey: key,
  })),
  // Batches around the cap on distinct (source, metric, hour).
  fc
    .tuple(fc.integer({ min: MAX_ROLLUP_KEYS - 5, max: MAX_ROLLUP_KEYS + 5 }), idempotencyKey)
    .map(([sources, key]) => ({
      method: 'POST',
      path: '/api/data/v1/measurements',
      contentType: 'application/x-ndjson',
      body: Array.from(
        { length: sources },
        (_, index) => `{"source":"s${index}","metric":"m","ts":"2026-01-01T00:00:00Z","value":${index}}`,
      ).join('\n'),
      idempotencyKey: key,
    })),
  // Filters on stats and the readings list.
  fc
    .tuple(fc.constantFrom('stats?groupBy=source&bucket=day&', '?'), filterList, filterList)
    .map(([route, source, metric]) => ({
      method: 'GET',
      path: `/api/data/v1/measurements${route}source=${queryValue(source)}&metric=${queryValue(metric)}`,
    })),
  // Valid readings under reused or malformed Idempotency-Keys.
  fc.tuple(fc.array(reading, { maxLength: 3 }), idempotencyKey).map(([rows, key]) => ({
    method: 'POST',
    path: '/api/data/v1/measurements',
    contentType: 'application/json',
    body: JSON.stringify(
      rows.map((row, index) => ({
        source: 'park-1',
        metric: 'wind',
        ts: '2026-01-01T00:00:00Z',
        value: index,
        ...row,
      })),
    ),
    idempotencyKey: key,
  })),
  fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 200 })).map(([keyField, body]) => ({
    method: 'POST',
    path: `/api/data/v1/collections/fuzz/import?keyField=${encodeURIComponent(keyField)}`,
    contentType: 'application/json',
    body,
  })),
);

describe('Fuzzing the data API through the edge', () => {
  let stack: Stack;
  let tenant: TenantWithKey;
  let caller: CallerConnection;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'data-api'], {
      DATA_MAX_ROLLUP_KEYS: String(MAX_ROLLUP_KEYS),
    });
    tenant = await onboardWithKey(stack, 'dfuzz');
    caller = new CallerConnection(stack.edgeUrl, tenant.host, tenant.key);
  }, 120_000);

  afterAll(async () => {
    await caller.close();
    await stack.stop();
  });

  it(`never answers 5xx, and stores exactly the readings it said it accepted (${RUNS} generated requests)`, async () => {
    let accepted = 0;
    const storedUnder = new Set<string>();
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, contentType, body, idempotencyKey: key }) => {
        const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
        if (key !== undefined) headers['idempotency-key'] = key;
        const started = performance.now();
        const answer = await caller.request<{ accepted?: number; error?: string; message?: string }>(path, {
          method,
          headers,
          body,
        });
        expect(performance.now() - started).toBeLessThan(5_000);
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400)
          expect(answer.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
        if (path === '/api/data/v1/measurements' && method === 'POST' && answer.status === 200) {
          // A key that already stored a batch answers its first outcome again and stores nothing.
          if (key === undefined || !storedUnder.has(key)) accepted += answer.body.accepted ?? 0;
          if (key !== undefined) storedUnder.add(key);
        }
      }),
      { numRuns: RUNS },
    );
    const { schema } = tenantDatabaseNames(tenant.slug, stack.databaseName);
    const tables = await stack.pg<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = $1`, [
      schema,
    ]);
    const stored = tables.some((table) => table.name === 'measurements')
      ? (await stack.pg<{ count: number }>(`SELECT count(*)::int AS count FROM ${quoteIdent(schema)}.measurements`))[0]!
          .count
      : 0;
    expect(stored).toBe(accepted);
  }, 240_000);
});
