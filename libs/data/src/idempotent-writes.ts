import { Inject, Injectable } from '@nestjs/common';
import { type Hash, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import type { TenantClient } from '@platform/database';
import { DomainError } from '@platform/errors';
import { IdempotencyRepository } from './idempotency.repository.js';
import { type RequestBody, chunksOf, tooLarge } from './request-body.js';

/**
 * `Idempotency-Key` on the data API's writes. The outcome is saved in the write's own transaction,
 * so a write whose answer was lost is either stored with its key or not stored at all: its retry
 * can never store it twice. Only stored outcomes are kept; a refused batch stores nothing, and its
 * retry is refused again the same way.
 */
@Injectable()
export class IdempotentWrites {
  constructor(
    private readonly keys: IdempotencyRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /**
   * Inside the caller's tenant transaction. Without a key, just `write`. With one: a retry (same
   * route, same content type and body bytes) answers the saved outcome; anything else under that
   * key is `IdempotencyKeyReused`. `write` gets the body back as a stream that hashes what it reads.
   */
  async run<T>(
    client: TenantClient,
    body: RequestBody,
    limits: { status: number; maxBytes: number },
    write: (body: RequestBody) => Promise<T>,
  ): Promise<{ answer: T; replayed: boolean }> {
    const idempotency = body.idempotency;
    if (!idempotency) return { answer: await write(body), replayed: false };
    await this.keys.lock(client, idempotency.key);
    const hash = createHash('sha256').update(`${body.contentType ?? ''}\n`);
    const hashed: RequestBody = { ...body, stream: hashing(body.stream, hash) };
    const ttlSeconds = this.config.dataApi.idempotencyTtlSeconds;
    const earlier = await this.keys.find(client, idempotency.key, ttlSeconds);
    if (earlier) {
      await readToEnd(hashed.stream, limits.maxBytes);
      if (earlier.route !== idempotency.route || earlier.bodyHash !== hash.digest('hex')) {
        throw new DomainError(
          'IdempotencyKeyReused',
          `This Idempotency-Key was already used for a different request (${earlier.route}); use a new key for a new request`,
          { idempotencyKey: idempotency.key },
        );
      }
      return { answer: earlier.answer as T, replayed: true };
    }
    const answer = await write(hashed);
    await readToEnd(hashed.stream, limits.maxBytes);
    await this.keys.save(client, idempotency.key, {
      route: idempotency.route,
      bodyHash: hash.digest('hex'),
      status: limits.status,
      answer,
    });
    return { answer, replayed: false };
  }
}

function hashing(stream: Readable, hash: Hash): Readable {
  return Readable.from(
    (async function* () {
      for await (const chunk of chunksOf(stream)) {
        hash.update(chunk);
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
}

async function readToEnd(stream: Readable, maxBytes: number): Promise<void> {
  let size = 0;
  for await (const chunk of chunksOf(stream)) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
  }
}
