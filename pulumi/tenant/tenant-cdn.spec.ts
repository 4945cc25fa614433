import fc from 'fast-check';
import { buildBrandingBundle } from '@platform/branding';
import { aTenantSpec } from '../testing/tenant-fixtures.js';
import { retiredAssetPrefixes } from './tenant-cdn.js';

const matchesAny = (prefixes: string[], name: string) => prefixes.some((prefix) => name.startsWith(prefix));
const hex16 = fc.stringMatching(/^[0-9a-f]{16}$/);

describe(retiredAssetPrefixes.name, () => {
  const current = buildBrandingBundle(aTenantSpec()).assets.map((asset) => asset.name);
  const sut = retiredAssetPrefixes(current);

  it('never matches a current file, so the lifecycle rule cannot delete one', () => {
    expect(current.filter((name) => matchesAny(sut, name))).toEqual([]);
  });

  it("matches every earlier version of a role's file unless its hash starts like the current one", () => {
    fc.assert(
      fc.property(fc.constantFrom(...current), hex16, (name, hash) => {
        const [role, rest] = name.split(/-(.*)/s);
        const retired = `${role}-${hash}.${rest.split('.').at(-1)}`;
        const sharesPrefix = hash.slice(0, 4) === rest.slice(0, 4);
        expect(matchesAny(sut, retired)).toBe(!sharesPrefix);
      }),
    );
  });

  it('retires every file of a role that has no current file (a logo removed)', () => {
    const withoutLogo = current.filter((name) => !name.startsWith('logo-'));
    expect(retiredAssetPrefixes(withoutLogo)).toContain('logo-');
  });

  it('stays within GCS lifecycle limits', () => {
    expect(sut.length).toBeLessThanOrEqual(240);
  });
});
