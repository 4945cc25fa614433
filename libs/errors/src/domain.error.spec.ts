import { DomainError, isDomainError } from '@platform/errors';

describe(DomainError.name, () => {
  it('carries its code and details', () => {
    const sut = new DomainError('SlugTaken', 'taken', { slug: 'acme' });
    expect(isDomainError(sut)).toBe(true);
    expect(sut.code).toBe('SlugTaken');
    expect(sut.details).toEqual({ slug: 'acme' });
  });
});
