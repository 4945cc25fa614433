import { jest } from '@jest/globals';
import { ndjsonItems } from './request-body.js';

async function collect(chunks: string[], maxBytes = 1_000, maxLineBytes = 100) {
  const items = [];
  for await (const batch of ndjsonItems(
    chunks.map((chunk) => Buffer.from(chunk)),
    { maxBytes, maxLineBytes },
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
    for await (const batch of ndjsonItems([bytes.subarray(0, 7), bytes.subarray(7)], {
      maxBytes: 100,
      maxLineBytes: 100,
    }))
      items.push(...batch);
    expect(items).toEqual([{ line: 1, value: { s: 'é' } }]);
  });

  it('names the broken line, and refuses a body over the limit', async () => {
    await expect(collect(['{"a":1}\n{nope}\n'])).rejects.toMatchObject({
      code: 'ValidationFailed',
      details: { line: 2 },
    });
    await expect(collect(['{"a":1}\n'.repeat(10)], 20)).rejects.toMatchObject({ code: 'PayloadTooLarge' });
  });

  it('refuses a line past its limit as soon as it is crossed, naming the line, even before it ends', async () => {
    await expect(collect(['{"a":1}\n', 'x'.repeat(60), 'x'.repeat(60)], 1_000, 100)).rejects.toMatchObject({
      code: 'PayloadTooLarge',
      details: { line: 2, limitBytes: 100 },
    });
    await expect(collect([`${'x'.repeat(101)}\n`], 1_000, 100)).rejects.toMatchObject({ details: { line: 1 } });
    expect(await collect([`{"s":"${'x'.repeat(92)}"}\n`], 1_000, 100)).toHaveLength(1);
  });

  it('splits a long unfinished line in time linear in its size: each byte is copied once, when the line ends', async () => {
    // The quadratic version re-copied the unfinished line on every chunk. Counting the bytes joined
    // is exact where a wall-clock comparison flakes on a loaded machine.
    const concat = jest.spyOn(Buffer, 'concat');
    try {
      const chunks = Array.from({ length: 1_024 }, () => Buffer.from(`${' '.repeat(1_023)}`));
      chunks.push(Buffer.from('1\n'));
      expect(await collect(chunks.map(String), 2 << 20, 2 << 20)).toEqual([{ line: 1, value: 1 }]);
      const copied = concat.mock.calls.reduce((sum, [list]) => sum + list.reduce((n, b) => n + b.length, 0), 0);
      expect(concat).toHaveBeenCalledTimes(1);
      expect(copied).toBe(1_024 * 1_023 + 1);
    } finally {
      concat.mockRestore();
    }
  });
});
