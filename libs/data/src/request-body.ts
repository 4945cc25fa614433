import type { Readable } from 'node:stream';
import { DomainError } from '@platform/errors';

/** A request body as the data API receives it: never parsed by Fastify, so it can be streamed. */
export interface RequestBody {
  contentType: string | undefined;
  stream: Readable;
  /** From the `Idempotency-Key` header; `route` is the method and URL the key is bound to. */
  idempotency?: { key: string; route: string };
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

/** The body in pieces of about `partBytes` (a piece ends at the chunk that reaches it), refused past `maxBytes`. */
export async function* bodyParts(stream: Readable, maxBytes: number, partBytes = 1024 * 1024): AsyncGenerator<Buffer> {
  let chunks: Buffer[] = [];
  let partSize = 0;
  let size = 0;
  for await (const chunk of chunksOf(stream)) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
    partSize += chunk.length;
    if (partSize >= partBytes) {
      yield Buffer.concat(chunks);
      chunks = [];
      partSize = 0;
    }
  }
  if (partSize) yield Buffer.concat(chunks);
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

export interface BodyLimits {
  maxJsonBytes: number;
  maxStreamBytes: number;
  maxLineBytes: number;
}

/**
 * Yields a batch's items a network chunk at a time (one array per chunk), so callers can do
 * per-chunk work such as one COPY write, and memory holds one chunk, not the body.
 */
export async function* bodyItems(body: RequestBody, limits: BodyLimits) {
  if (bodyFormatOf(body.contentType) === 'ndjson') {
    yield* ndjsonItems(chunksOf(body.stream), { maxBytes: limits.maxStreamBytes, maxLineBytes: limits.maxLineBytes });
    return;
  }
  const parsed = await readJsonBounded(body.stream, limits.maxJsonBytes);
  if (!Array.isArray(parsed)) throw new DomainError('ValidationFailed', 'A JSON body must be an array of items');
  const items: BodyItem[] = parsed.map((value: unknown, index) => ({ line: index + 1, value }));
  for (let start = 0; start < items.length; start += 5_000) yield items.slice(start, start + 5_000);
}

export function lineTooLong(line: number, limitBytes: number): DomainError {
  return new DomainError(
    'PayloadTooLarge',
    `Line ${line} exceeds ${limitBytes} bytes; nothing from this batch was stored`,
    { line, limitBytes },
  );
}

/**
 * Splits on the newline byte (never part of a multi-byte UTF-8 character), so each byte is looked
 * at once: an unfinished line is kept as a list of chunk slices and joined once, when it ends. A line
 * is refused as soon as it grows past `maxLineBytes`, without waiting for its end.
 */
export async function* ndjsonItems(
  stream: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  limits: { maxBytes: number; maxLineBytes: number },
): AsyncGenerator<BodyItem[]> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  let size = 0;
  const parseLine = (bytes: Buffer, items: BodyItem[]) => {
    line += 1;
    const text = bytes.toString('utf8');
    if (!text.trim()) return;
    try {
      items.push({ line, value: JSON.parse(text) });
    } catch (error) {
      throw invalidRow(line, `not valid JSON (${(error as Error).message})`);
    }
  };
  const takeLine = (tail: Buffer): Buffer => {
    const whole = pending.length ? Buffer.concat([...pending, tail]) : tail;
    pending = [];
    pendingBytes = 0;
    return whole;
  };
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limits.maxBytes) throw tooLarge(limits.maxBytes);
    const items: BodyItem[] = [];
    let start = 0;
    for (let end = buffer.indexOf(10); end !== -1; end = buffer.indexOf(10, start)) {
      if (pendingBytes + end - start > limits.maxLineBytes) throw lineTooLong(line + 1, limits.maxLineBytes);
      parseLine(takeLine(buffer.subarray(start, end)), items);
      start = end + 1;
    }
    if (start < buffer.length) {
      pendingBytes += buffer.length - start;
      if (pendingBytes > limits.maxLineBytes) throw lineTooLong(line + 1, limits.maxLineBytes);
      pending.push(buffer.subarray(start));
    }
    if (items.length) yield items;
  }
  const items: BodyItem[] = [];
  parseLine(takeLine(Buffer.alloc(0)), items);
  if (items.length) yield items;
}

/**
 * Reads and discards what is left of a body nobody read (or read to the end); gives up past
 * `maxBytes` or `maxMs`, so a refused upload costs a bounded amount. True when the body was read to its end.
 */
export async function drainBody(stream: Readable, maxBytes: number, maxMs: number): Promise<boolean> {
  if (stream.readableEnded || stream.destroyed) return true;
  const deadline = Date.now() + maxMs;
  let size = 0;
  const iterator = stream.iterator({ destroyOnReturn: false });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), maxMs);
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), late]);
      if (next === 'late' || next.done) return next !== 'late';
      size += (next.value as Buffer).length;
      if (size > maxBytes || Date.now() > deadline) return false;
    }
  } catch {
    return true; // the client went away; nothing to drain
  } finally {
    clearTimeout(timer);
    void iterator.return?.();
  }
}
