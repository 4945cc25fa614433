import { ndjsonItems } from './request-body.js';

async function collect(chunks: string[], maxBytes = 1_000) {
  const items = [];
  for await (const batch of ndjsonItems(
    chunks.map((chunk) => Buffer.from(chunk)),
    maxBytes,
  ))
    items.push(...batch);
  return items;
}

describe(ndjsonItems.name, () => {
  it('joins lines split across chunks, skips blank lines and keeps line numbers', async () => {
    expect(await collect(['{"a":', '1}\n\n{"b"', ':2}'])).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 3, value: { b: 2 } },
    ]);
  });

  it('keeps a multi-byte character split across chunks', async () => {
    const bytes = Buffer.from('{"s":"é"}\n');
    const items = [];
    for await (const batch of ndjsonItems([bytes.subarray(0, 7), bytes.subarray(7)], 100)) items.push(...batch);
    expect(items).toEqual([{ line: 1, value: { s: 'é' } }]);
  });

  it('names the broken line, and refuses a body over the limit', async () => {
    await expect(collect(['{"a":1}\n{nope}\n'])).rejects.toMatchObject({
      code: 'ValidationFailed',
      details: { line: 2 },
    });
    await expect(collect(['{"a":1}\n'.repeat(10)], 20)).rejects.toMatchObject({ code: 'PayloadTooLarge' });
  });
});
