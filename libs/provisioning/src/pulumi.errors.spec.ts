import { isStackLocked, summarizePulumiError } from './pulumi.errors.js';

describe(summarizePulumiError.name, () => {
  it('keeps the error lines of a CommandError, including the first one after `stderr:`', () => {
    const sut = summarizePulumiError(
      new Error(
        'code: 255\n stdout: Updating (tenant-acme):\n  + 3 to create\n\n stderr: error: preview failed\n  error: googleapi: Error 403: Permission denied\n err?: ',
      ),
    );
    expect(sut).toBe('preview failed; googleapi: Error 403: Permission denied');
  });

  it('falls back to the last lines, and caps the length a tenant condition carries', () => {
    expect(summarizePulumiError(new Error('one\ntwo\nthree\nfour'))).toBe('two; three; four');
    expect(summarizePulumiError(new Error(`error: ${'x'.repeat(2_000)}`))).toHaveLength(600);
  });
});

describe(isStackLocked.name, () => {
  it("recognises both backends' lock errors and nothing else", () => {
    expect(isStackLocked(new Error('stderr: error: [409] Conflict: Another update is currently in progress.'))).toBe(
      true,
    );
    expect(
      isStackLocked(
        new Error('error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end'),
      ),
    ).toBe(true);
    expect(isStackLocked(new Error('error: googleapi: Error 409: The bucket you tried to create already exists'))).toBe(
      false,
    );
  });
});
