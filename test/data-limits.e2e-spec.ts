import { Readable } from 'node:stream';
import { Client } from 'undici';
import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { type ErrorBody, NDJSON, countRows, ndjson } from './data.support.js';
import { Stack } from './support/stack.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MAX_ROLLUP_KEYS = 1_000;

/** How long one call takes, with its status. */
async function timed(call: () => Promise<{ status: number }>): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const { status } = await call();
  return { status, ms: performance.now() - started };
}

/** A body sent as fast as the socket takes it, in 64 KiB writes, with no newline anywhere. */
function* oneLongLine(totalBytes: number): Generator<Buffer> {
  const piece = Buffer.alloc(64 * 1024, 'x');
  for (let sent = 0; sent < totalBytes; sent += piece.length) yield piece;
}

describe('Data API input limits (hostile sizes)', () => {
  let stack: Stack;
  let attacker: TenantWithKey;
  let neighbour: TenantWithKey;
  let neighbourCaller: CallerConnection;
  let caller: CallerConnection;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'data-api'], {
      DATA_MAX_ROLLUP_KEYS: String(MAX_ROLLUP_KEYS),
      DATA_MAX_ASYNC_BYTES: String(8 * 1024 * 1024),
    });
    [attacker, neighbour] = await Promise.all([onboardWithKey(stack, 'dlim-a'), onboardWithKey(stack, 'dlim-b')]);
    caller = new CallerConnection(stack.edgeUrl, attacker.host, attacker.key);
    neighbourCaller = new CallerConnection(stack.edgeUrl, neighbour.host, neighbour.key);
    await neighbourCaller.request('/api/data/v1/measurements', {
      method: 'POST',
      headers: NDJSON,
      body: ndjson([{ source: 'p', metric: 'm', ts: '2026-01-01T00:00:00Z', value: 1 }]),
    });
  }, 120_000);

  afterAll(async () => {
    await caller.close();
    await neighbourCaller.close();
    await stack.stop();
  });

  it('refuses a 50 MB single-line NDJSON body within 2 s, naming the line, while another tenant and /health answer within 1 s', async () => {
    const upload = new Client(stack.edgeUrl);
    const refused = (async () => {
      const started = performance.now();
      const response = await upload.request({
        path: '/api/data/v1/measurements',
        method: 'POST',
        headers: { host: attacker.host, authorization: `Bearer ${attacker.key}`, ...NDJSON },
        body: Readable.from(oneLongLine(50 * 1024 * 1024)),
      });
      const body = (await response.body.json()) as ErrorBody & { details: { line: number; limitBytes: number } };
      return { status: response.statusCode, body, ms: performance.now() - started };
    })().catch((error: Error) => ({ status: 0, body: { error: error.message }, ms: Infinity }));

    await sleep(150);
    const stats = await timed(() =>
      neighbourCaller.request('/api/data/v1/measurements/stats?groupBy=source&bucket=day'),
    );
    const health = await timed(() => fetch(`http://127.0.0.1:${stack.env.DATA_API_PORT}/health`));
    const answer = await refused;
    await upload.close();

    expect(answer).toMatchObject({
      status: 413,
      body: { error: 'PayloadTooLarge', details: { line: 1, limitBytes: 64 * 1024 } },
    });
    console.log(
      `50 MB line refused in ${answer.ms.toFixed(0)} ms; neighbour stats ${stats.ms.toFixed(0)} ms, /health ${health.ms.toFixed(0)} ms`,
    );
    expect(answer.ms).toBeLessThan(2_000);
    expect(stats.status).toBe(200);
    expect(stats.ms).toBeLessThan(1_000);
    expect(health.status).toBe(200);
    expect(health.ms).toBeLessThan(1_000);
    expect(await countRows(stack, attacker.slug, 'measurements')).toBe(0);
  }, 60_000);

  it('refuses a batch spanning more distinct (source, metric, hour) than the cap, naming the line, and stores nothing', async () => {
    const rows = Array.from({ length: MAX_ROLLUP_KEYS + 1 }, (_, index) => ({
      source: `s-${index}`,
      metric: 'm',
      ts: '2026-02-01T00:00:00Z',
      value: index,
    }));
    const answer = await caller.request<ErrorBody>('/api/data/v1/measurements', {
      method: 'POST',
      headers: NDJSON,
      body: ndjson(rows),
    });
    expect(answer).toMatchObject({
      status: 413,
      body: { error: 'PayloadTooLarge', details: { line: MAX_ROLLUP_KEYS + 1, maxRollupKeys: MAX_ROLLUP_KEYS } },
    });
    const atCap = await caller.request<{ accepted: number }>('/api/data/v1/measurements', {
      method: 'POST',
      headers: NDJSON,
      body: ndjson(rows.slice(0, MAX_ROLLUP_KEYS)),
    });
    expect(atCap).toEqual({ status: 200, body: { accepted: MAX_ROLLUP_KEYS } });
    expect(await countRows(stack, attacker.slug, 'measurements')).toBe(MAX_ROLLUP_KEYS);
    await stack.pg(`DELETE FROM t_${attacker.slug.replaceAll('-', '_')}.measurements`);
  });

  describe('async ingestion', () => {
    const submit = (body: string) =>
      caller.request<{ ingestionId: string } & ErrorBody>('/api/data/v1/measurements?async=true', {
        method: 'POST',
        headers: NDJSON,
        body,
      });
    const outcome = async (id: string) => {
      for (let tries = 0; tries < 300; tries += 1) {
        const answer = await caller.request<{ state: string; accepted: number; errors: { line: number }[] }>(
          `/api/data/v1/ingestions/${id}`,
        );
        if (answer.body.state !== 'queued') return answer.body;
        await sleep(100);
      }
      throw new Error(`ingestion ${id} still queued`);
    };

    it('stores a body of several MiB kept in parts, and leaves no part behind', async () => {
      const rows = Array.from({ length: 40_000 }, (_, index) => ({
        source: 'async-big',
        metric: 'power_kw',
        ts: new Date(Date.UTC(2026, 2, 1) + index * 1_000).toISOString(),
        value: index,
        tags: { site: 'north-field-with-a-long-name' },
      }));
      const body = ndjson(rows);
      expect(Buffer.byteLength(body)).toBeGreaterThan(3 * 1024 * 1024);
      const submitted = await submit(body);
      expect(submitted.status).toBe(202);
      expect(await outcome(submitted.body.ingestionId)).toMatchObject({ state: 'completed', accepted: rows.length });
      const schema = `t_${attacker.slug.replaceAll('-', '_')}`;
      expect(await stack.pg(`SELECT 1 FROM ${schema}.ingestion_parts`)).toEqual([]);
      await stack.pg(`DELETE FROM ${schema}.measurements`);
    });

    it('records a queued line past the line limit as failed with its line, and refuses an oversized body with nothing kept', async () => {
      const longLine = await submit(
        `${ndjson([{ source: 'a', metric: 'm', ts: '2026-01-01T00:00:00Z', value: 1 }])}${'x'.repeat(70_000)}\n`,
      );
      expect(longLine.status).toBe(202);
      expect(await outcome(longLine.body.ingestionId)).toMatchObject({ state: 'failed', errors: [{ line: 2 }] });

      const schema = `t_${attacker.slug.replaceAll('-', '_')}`;
      const before = await stack.pg<{ count: number }>(`SELECT count(*)::int AS count FROM ${schema}.ingestions`);
      const tooLarge = await submit('\n'.repeat(9 * 1024 * 1024));
      expect(tooLarge).toMatchObject({ status: 413, body: { error: 'PayloadTooLarge' } });
      expect(await stack.pg(`SELECT count(*)::int AS count FROM ${schema}.ingestions`)).toEqual(before);
      expect(await stack.pg(`SELECT 1 FROM ${schema}.ingestion_parts`)).toEqual([]);
      expect(await countRows(stack, attacker.slug, 'measurements')).toBe(0);
    });
  });
});
