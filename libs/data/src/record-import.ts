import { type Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import streamArray from 'stream-json/streamers/stream-array.js';
import streamObject from 'stream-json/streamers/stream-object.js';
import { DomainError } from '@platform/errors';
import { type RecordInput, toRecordInput } from './record-row.js';
import { chunksOf, invalidRow, tooLarge } from './request-body.js';

/**
 * Streams a large JSON file into records one property (object file) or element (array file) at
 * a time, so memory holds one record, not the file. The first byte picks the shape.
 */
export async function* importRecords(
  stream: Readable,
  options: { keyField?: string; maxBytes: number },
): AsyncGenerator<RecordInput> {
  const chunks = chunksOf(stream)[Symbol.asyncIterator]();
  const first = await chunks.next();
  if (first.done) throw new DomainError('ValidationFailed', 'Body is empty');
  const parser = parserFor(first.value as Buffer, options.keyField);
  async function* bounded() {
    let size = 0;
    for (let next = first; !next.done; next = await chunks.next()) {
      size += (next.value as Buffer).length;
      if (size > options.maxBytes) throw tooLarge(options.maxBytes);
      yield next.value as Buffer;
    }
  }
  // Errors of the feeding side (too large) reach us through the parser, which pipeline destroys with them.
  const feeding = pipeline(Readable.from(bounded(), { objectMode: false }), parser);
  feeding.catch(() => undefined);
  let position = 0;
  try {
    for await (const item of parser as AsyncIterable<{ key: string | number; value: unknown }>) {
      position += 1;
      const key = options.keyField === undefined ? item.key : keyOf(item.value, options.keyField, position);
      const record = toRecordInput(key, item.value);
      if (typeof record === 'string') throw invalidRow(position, record);
      yield record;
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new DomainError(
      'ValidationFailed',
      `Body is not valid JSON after record ${position}: ${(error as Error).message}`,
    );
  }
  await feeding;
}

function parserFor(first: Buffer, keyField: string | undefined): Duplex {
  const opening = first.toString('utf8').trimStart()[0];
  if (opening === '{' && keyField === undefined) return streamObject.withParserAsStream();
  if (opening === '[' && keyField !== undefined) return streamArray.withParserAsStream();
  throw new DomainError(
    'ValidationFailed',
    'Import a JSON object (each property is a record) or a JSON array with ?keyField= naming the key field',
  );
}

function keyOf(value: unknown, keyField: string, position: number): string {
  const key = value && typeof value === 'object' ? (value as Record<string, unknown>)[keyField] : undefined;
  if (typeof key === 'number' && Number.isFinite(key)) return String(key);
  if (typeof key !== 'string') throw invalidRow(position, `${keyField}: must be a string or a number`);
  return key;
}
