import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { DomainError } from '@platform/errors';

/** A request body as the data API receives it: never parsed by Fastify, so it can be streamed. */
export interface RequestBody {
  contentType: string | undefined;
  stream: Readable;
}

export type BodyFormat = 'json' | 'ndjson';

/** One item of a batch: `line` is the NDJSON line number, or the 1-based position in a JSON array. */
export interface BodyItem {
  line: number;
  value: unknown;
}

export function bodyFormatOf(contentType: string | undefined): BodyFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-ndjson' || type === 'application/ndjson') return 'ndjson';
  throw new DomainError('UnsupportedMediaType', 'Send application/json (an array) or application/x-ndjson', {
    contentType: contentType ?? null,
  });
}

/**
 * Iterating a request must not destroy it when we stop early (a bad row): destroying the request
 * destroys its socket, and then the 400 could never be sent.
 */
export function chunksOf(stream: Readable): AsyncIterable<Buffer> {
  return { [Symbol.asyncIterator]: () => stream.iterator({ destroyOnReturn: false }) };
}

export function tooLarge(limitBytes: number): DomainError {
  return new DomainError('PayloadTooLarge', `Body exceeds ${limitBytes} bytes`, { limitBytes });
}

export function invalidRow(line: number, reason: string): DomainError {
  return new DomainError('ValidationFailed', `Line ${line}: ${reason}; nothing from this batch was stored`, {
    line,
    reason,
  });
}

/** Reads a whole body into memory, refusing it past `maxBytes`. */
export async function readBounded(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunksOf(stream)) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** JSON bodies are parsed whole, so they get a tighter byte limit than streamed ones. */
export async function readJsonBounded(stream: Readable, maxBytes: number): Promise<unknown> {
  const text = (await readBounded(stream, maxBytes)).toString('utf8');
  if (!text.trim()) throw new DomainError('ValidationFailed', 'Body is empty');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DomainError('ValidationFailed', `Body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Yields a batch's items a network chunk at a time (one array per chunk), so callers can do
 * per-chunk work such as one COPY write, and memory holds one chunk, not the body.
 */
export async function* bodyItems(body: RequestBody, limits: { maxJsonBytes: number; maxStreamBytes: number }) {
  if (bodyFormatOf(body.contentType) === 'ndjson') {
    yield* ndjsonItems(chunksOf(body.stream), limits.maxStreamBytes);
    return;
  }
  const parsed = await readJsonBounded(body.stream, limits.maxJsonBytes);
  if (!Array.isArray(parsed)) throw new DomainError('ValidationFailed', 'A JSON body must be an array of items');
  const items: BodyItem[] = parsed.map((value: unknown, index) => ({ line: index + 1, value }));
  for (let start = 0; start < items.length; start += 5_000) yield items.slice(start, start + 5_000);
}

export async function* ndjsonItems(
  stream: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  maxBytes: number,
): AsyncGenerator<BodyItem[]> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  let size = 0;
  const parseLine = (text: string, items: BodyItem[]) => {
    line += 1;
    if (!text.trim()) return;
    try {
      items.push({ line, value: JSON.parse(text) });
    } catch (error) {
      throw invalidRow(line, `not valid JSON (${(error as Error).message})`);
    }
  };
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    const lines = (pending + decoder.write(buffer)).split('\n');
    pending = lines.pop()!;
    const items: BodyItem[] = [];
    for (const text of lines) parseLine(text, items);
    if (items.length) yield items;
  }
  const items: BodyItem[] = [];
  parseLine(pending + decoder.end(), items);
  if (items.length) yield items;
}

/** Reads and discards what is left of a body nobody read (or read to the end); gives up past `maxBytes`. */
export async function drainBody(stream: Readable, maxBytes: number): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return;
  let size = 0;
  try {
    for await (const chunk of chunksOf(stream)) {
      size += chunk.length;
      if (size > maxBytes) break;
    }
  } catch {
    // the client went away; nothing to drain
  }
}
