import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { Client } from 'undici';
import type { Readable } from 'node:stream';
import { type Stack, uniqueSlug } from '../../test/support/stack.js';

export interface BenchTenant {
  slug: string;
  tenantId: string;
  host: string;
  key: string;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function onboard(stack: Stack, prefix: string): Promise<BenchTenant> {
  const slug = uniqueSlug(prefix);
  const accepted = await stack.api<{ id: string }>('POST', '/v1/tenants', {
    body: { slug, displayName: slug, tier: 'business', branding: { primaryColor: '#336699' } },
  });
  await stack.waitForReady(slug);
  const issued = await stack.api<{ key: string }>('POST', `/v1/tenants/${slug}/api-keys`, { body: { name: 'bench' } });
  return { slug, tenantId: accepted.body.id, host: `${slug}.localhost`, key: issued.body.key };
}

const clients = new Map<string, Client>();

/**
 * One call through the edge on one keep-alive connection (undici, as the edge itself uses): the
 * client should add as little as possible to what is measured. The body may be a stream.
 */
export async function call(
  stack: Stack,
  tenant: BenchTenant,
  method: string,
  path: string,
  body?: { contentType: string; data: string | Readable },
): Promise<{ status: number; text: string }> {
  let client = clients.get(stack.edgeUrl);
  if (!client) {
    client = new Client(stack.edgeUrl, { bodyTimeout: 0, headersTimeout: 0 });
    clients.set(stack.edgeUrl, client);
  }
  const headers: Record<string, string> = { host: tenant.host, authorization: `Bearer ${tenant.key}` };
  if (body) headers['content-type'] = body.contentType;
  const response = await client.request({ method: method as 'GET', path, headers, body: body?.data });
  return { status: response.statusCode, text: await response.body.text() };
}

export async function closeClients(): Promise<void> {
  await Promise.all([...clients.values()].map((client) => client.close()));
  clients.clear();
}

/**
 * Writes the same readings twice: NDJSON for the API, COPY text for `psql \copy` (so psql gets
 * its native format and no conversion cost). 20 parks × 3 metrics, one reading per series per
 * ~minute across the rows.
 */
export async function writeReadings(count: number, ndjsonPath: string, copyPath: string): Promise<void> {
  const ndjson = createWriteStream(ndjsonPath);
  const copy = createWriteStream(copyPath);
  const start = Date.UTC(2026, 0, 1);
  const metrics = ['power_kw', 'wind_ms', 'irradiance_wm2'];
  let ndjsonChunk = '';
  let copyChunk = '';
  for (let i = 0; i < count; i += 1) {
    const source = `park-${String(i % 20).padStart(2, '0')}`;
    const metric = metrics[Math.floor(i / 20) % 3]!;
    const ts = new Date(start + Math.floor(i / 60) * 60_000 + (i % 60) * 1_000).toISOString();
    const value = Math.round(Math.sin(i / 1_000) * 500_000) / 1_000 + 500;
    ndjsonChunk += `{"source":"${source}","metric":"${metric}","ts":"${ts}","value":${value}}\n`;
    copyChunk += `${source}\t${metric}\t${ts}\t${value}\t\\N\n`;
    if (ndjsonChunk.length > 1_000_000) {
      if (!ndjson.write(ndjsonChunk)) await once(ndjson, 'drain');
      if (!copy.write(copyChunk)) await once(copy, 'drain');
      ndjsonChunk = '';
      copyChunk = '';
    }
  }
  ndjson.end(ndjsonChunk);
  copy.end(copyChunk);
  await Promise.all([once(ndjson, 'finish'), once(copy, 'finish')]);
}

/** A ports-like object file: `{ "P0000001": { "name": ..., "coordinates": [..], ... }, ... }`. */
export async function writePortsFile(path: string, megabytes: number): Promise<number> {
  const file = createWriteStream(path);
  const target = megabytes * 1024 * 1024;
  let written = 1;
  let count = 0;
  file.write('{');
  let chunk = '';
  while (written < target) {
    const entry = `${count ? ',' : ''}\n"P${String(count).padStart(7, '0')}":${JSON.stringify({
      name: `Port ${count}`,
      city: `City ${count % 5_000}`,
      country: 'Somewhere',
      coordinates: [(count % 360) - 180 + 0.123, (count % 180) - 90 + 0.456],
      timezone: 'Europe/Amsterdam',
      unlocs: [`XX${count}`],
      notes: 'n'.repeat(60),
    })}`;
    chunk += entry;
    written += Buffer.byteLength(entry);
    count += 1;
    if (chunk.length > 1_000_000) {
      if (!file.write(chunk)) await once(file, 'drain');
      chunk = '';
    }
  }
  file.end(`${chunk}\n}`);
  await once(file, 'finish');
  return count;
}

/** Peak resident set size of a process so far (Linux VmHWM), in MiB. */
export async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  return kb / 1024;
}

export async function currentRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}
