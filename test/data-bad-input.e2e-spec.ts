import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { type ErrorBody, JSON_BODY, NDJSON, countRows, ndjson } from './data.support.js';
import { Stack } from './support/stack.js';

interface BadInput {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  status: number;
  error: string;
  line?: number;
}

const reading = { source: 'park', metric: 'power_kw', ts: '2026-01-01T00:00:00Z', value: 1 };
const row = (overrides: Record<string, unknown>) => ({ ...reading, ...overrides });
const measurements = (rows: unknown[], headers = NDJSON) => ({
  method: 'POST' as const,
  path: '/api/data/v1/measurements',
  headers,
  body: headers === NDJSON ? ndjson(rows) : JSON.stringify(rows),
});
const records = (rows: unknown[]) => ({
  method: 'PUT' as const,
  path: '/api/data/v1/collections/c1/records',
  headers: NDJSON,
  body: ndjson(rows),
});
const importFile = (body: string, query = '') => ({
  method: 'POST' as const,
  path: `/api/data/v1/collections/c1/import${query}`,
  headers: JSON_BODY,
  body,
});
const stats = (query: string) => ({ method: 'GET' as const, path: `/api/data/v1/measurements/stats?${query}` });

// Limits are lowered for this file (see Stack.start below) so the size refusals stay quick.
const LIMITS = {
  DATA_MAX_JSON_BYTES: String(64 * 1024),
  DATA_MAX_STREAM_BYTES: String(256 * 1024),
  DATA_MAX_IMPORT_BYTES: String(128 * 1024),
  DATA_MAX_ROWS_PER_REQUEST: '1000',
};

const CASES: BadInput[] = [
  {
    name: 'a body that is neither JSON nor NDJSON',
    method: 'POST',
    path: '/api/data/v1/measurements',
    headers: { 'content-type': 'text/csv' },
    body: 'a,b',
    status: 415,
    error: 'UnsupportedMediaType',
  },
  {
    name: 'a JSON object instead of an array',
    ...measurements([]),
    headers: JSON_BODY,
    body: '{"source":"x"}',
    status: 400,
    error: 'ValidationFailed',
  },
  {
    name: 'broken JSON',
    ...measurements([]),
    headers: JSON_BODY,
    body: '[{"source":',
    status: 400,
    error: 'ValidationFailed',
  },
  {
    name: 'an empty JSON body',
    ...measurements([]),
    headers: JSON_BODY,
    body: '',
    status: 400,
    error: 'ValidationFailed',
  },
  {
    name: 'a broken NDJSON line',
    ...measurements([]),
    body: `${JSON.stringify(reading)}\n{"source": nope}\n`,
    status: 400,
    error: 'ValidationFailed',
    line: 2,
  },
  {
    name: 'a missing source',
    ...measurements([reading, { metric: 'm', ts: reading.ts, value: 1 }]),
    status: 400,
    error: 'ValidationFailed',
    line: 2,
  },
  { name: 'an empty metric', ...measurements([row({ metric: '' })]), status: 400, error: 'ValidationFailed', line: 1 },
  {
    name: 'a source over 200 characters',
    ...measurements([row({ source: 's'.repeat(201) })]),
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  {
    name: 'a source with U+0000',
    ...measurements([row({ source: 'a\u0000b' })]),
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  { name: 'a string value', ...measurements([row({ value: '12' })]), status: 400, error: 'ValidationFailed', line: 1 },
  {
    name: 'a value that overflows to Infinity',
    ...measurements([]),
    body: '{"source":"p","metric":"m","ts":"2026-01-01T00:00:00Z","value":1e400}\n',
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  {
    name: 'a ts without a time zone',
    ...measurements([row({ ts: '2026-01-01T00:00:00' })]),
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  {
    name: 'a ts that is not a date',
    ...measurements([row({ ts: 'yesterday' })]),
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  {
    name: 'a ts before 1900',
    ...measurements([row({ ts: '1899-12-31T23:59:59Z' })]),
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  {
    name: 'a ts after 2200',
    ...measurements([row({ ts: '2200-01-01T00:00:00Z' })]),
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  { name: 'an unknown field', ...measurements([row({ unit: 'kW' })]), status: 400, error: 'ValidationFailed', line: 1 },
  {
    name: 'more than 32 tags',
    ...measurements([row({ tags: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`t${i}`, 'v'])) })]),
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  {
    name: 'a tag that is an object',
    ...measurements([row({ tags: { site: { a: 1 } } })]),
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  {
    name: 'a JSON body over the JSON limit',
    ...measurements(
      Array.from({ length: 900 }, () => reading),
      JSON_BODY,
    ),
    status: 413,
    error: 'PayloadTooLarge',
  },
  {
    name: 'more rows than a request may carry',
    ...measurements(Array.from({ length: 1_001 }, () => reading)),
    status: 413,
    error: 'PayloadTooLarge',
  },
  {
    name: 'an NDJSON body over the stream limit',
    ...measurements([]),
    body: `${JSON.stringify(row({ source: 'x'.repeat(200) }))}\n`.repeat(1_200),
    status: 413,
    error: 'PayloadTooLarge',
  },
  { name: 'stats without groupBy', ...stats('bucket=day'), status: 400, error: 'ValidationFailed' },
  { name: 'stats by an unknown column', ...stats('groupBy=tags&bucket=day'), status: 400, error: 'ValidationFailed' },
  { name: 'stats by week', ...stats('groupBy=source&bucket=week'), status: 400, error: 'ValidationFailed' },
  {
    name: 'stats with from after to',
    ...stats('groupBy=source&bucket=day&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z'),
    status: 400,
    error: 'ValidationFailed',
  },
  {
    name: 'stats with from not a date',
    ...stats('groupBy=source&bucket=day&from=monday'),
    status: 400,
    error: 'ValidationFailed',
  },
  {
    name: 'stats with an unknown parameter',
    ...stats('groupBy=source&bucket=day&tz=Europe/Paris'),
    status: 400,
    error: 'ValidationFailed',
  },
  {
    name: 'a list limit of 0',
    method: 'GET',
    path: '/api/data/v1/measurements?limit=0',
    status: 400,
    error: 'ValidationFailed',
  },
  {
    name: 'a list limit over 1000',
    method: 'GET',
    path: '/api/data/v1/measurements?limit=1001',
    status: 400,
    error: 'ValidationFailed',
  },
  {
    name: 'a forged cursor',
    method: 'GET',
    path: '/api/data/v1/measurements?cursor=bm9wZQ',
    status: 400,
    error: 'ValidationFailed',
  },
  {
    name: 'a collection name with a space',
    method: 'GET',
    path: '/api/data/v1/collections/a%20b/records',
    status: 400,
    error: 'ValidationFailed',
  },
  {
    name: 'a collection name over 64 characters',
    method: 'GET',
    path: `/api/data/v1/collections/${'c'.repeat(65)}/records`,
    status: 400,
    error: 'ValidationFailed',
  },
  {
    name: 'a record key over 100 characters',
    ...records([{ key: 'k'.repeat(101), data: 1 }]),
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  {
    name: 'a record without data',
    ...records([{ key: 'k1', data: 1 }, { key: 'k2' }]),
    status: 400,
    error: 'ValidationFailed',
    line: 2,
  },
  {
    name: 'a record with a numeric key',
    ...records([{ key: 7, data: 1 }]),
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  {
    name: 'a record with an unknown field',
    ...records([{ key: 'k', data: 1, ttl: 5 }]),
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  {
    name: 'record data with U+0000',
    ...records([{ key: 'k', data: { a: 'x\u0000' } }]),
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  {
    name: 'a tag with a lone surrogate',
    ...measurements([row({ tags: { site: '\ud800' } })]),
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  {
    name: 'record data with a lone surrogate',
    ...records([{ key: 'k', data: ['ok', { deep: '\udfff' }] }]),
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  {
    name: 'record data with a number beyond float range',
    method: 'PUT',
    path: '/api/data/v1/collections/c1/records',
    headers: NDJSON,
    body: '{"key":"k","data":{"n":1e400}}\n',
    status: 400,
    error: 'ValidationFailed',
    line: 1,
  },
  { name: 'an import array without keyField', ...importFile('[{"id":"a"}]'), status: 400, error: 'ValidationFailed' },
  {
    name: 'an import object with keyField',
    ...importFile('{"a":{}}', '?keyField=id'),
    status: 400,
    error: 'ValidationFailed',
  },
  {
    name: 'an import element missing its key field',
    ...importFile('[{"id":"a"},{"name":"b"}]', '?keyField=id'),
    status: 400,
    error: 'ValidationFailed',
    line: 2,
  },
  { name: 'an import that is a bare number', ...importFile('42'), status: 400, error: 'ValidationFailed' },
  { name: 'an empty import', ...importFile(''), status: 400, error: 'ValidationFailed' },
  {
    name: 'an import over the import limit',
    ...importFile(`{${Array.from({ length: 3_000 }, (_, i) => `"k${i}":{"name":"${'n'.repeat(40)}"}`).join(',')}}`),
    status: 413,
    error: 'PayloadTooLarge',
  },
];

describe('Data API bad input', () => {
  let stack: Stack;
  let tenant: TenantWithKey;
  let caller: CallerConnection;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'data-api'], LIMITS);
    tenant = await onboardWithKey(stack, 'data-bad');
    caller = new CallerConnection(stack.edgeUrl, tenant.host, tenant.key);
  }, 90_000);

  afterAll(async () => {
    await caller?.close();
    await stack?.stop();
  });

  it.each(CASES)('refuses $name with $status $error', async ({ method, path, headers, body, status, error, line }) => {
    const answer = await caller.request<ErrorBody>(path, { method, headers, body });
    expect({ status: answer.status, error: answer.body.error }).toEqual({ status, error });
    expect(typeof answer.body.message).toBe('string');
    if (line !== undefined) expect(answer.body.details).toMatchObject({ line, reason: expect.any(String) });
  });

  it('answers a large upload without a credential with 401, not a reset connection', async () => {
    const body = ndjson(Array.from({ length: 60_000 }, () => reading));
    const answer = await caller.request<ErrorBody>('/api/data/v1/measurements', {
      method: 'POST',
      headers: NDJSON,
      body,
      authorization: null,
    });
    expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 401, error: 'Unauthenticated' });
  });

  it('stored nothing from any refused batch', async () => {
    expect(await countRows(stack, tenant.slug, 'measurements')).toBe(0);
    expect(await countRows(stack, tenant.slug, 'records')).toBe(0);
  });
});
