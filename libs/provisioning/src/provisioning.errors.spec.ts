import { DomainError } from '@platform/errors';
import { InvalidSpecError, classifyFailure } from './provisioning.errors.js';

describe('classifyFailure', () => {
  it('fails for good on an invalid spec', () => {
    expect(classifyFailure(new InvalidSpecError('no such tenant')).terminal).toBe(true);
    expect(classifyFailure(new DomainError('InvalidBranding', 'bad logo'))).toMatchObject({
      terminal: true,
      reason: 'InvalidSpec',
    });
  });

  it('retries when a dependency is unreachable, and on anything unknown', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyFailure(refused)).toMatchObject({ terminal: false, reason: 'DependencyUnavailable' });
    expect(classifyFailure(new Error('disk hiccup')).terminal).toBe(false);
  });
});
