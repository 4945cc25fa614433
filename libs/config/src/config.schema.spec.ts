import { ConfigError, parseConfig } from '@platform/config';

describe('parseConfig', () => {
  it('applies defaults for a local machine', () => {
    const sut = parseConfig('control-plane', {});
    expect(sut.controlPlane.port).toBe(3000);
    expect(sut.platform.domain).toBe('localhost');
    expect(sut.provisioner.target).toBe('local');
    expect(Object.isFrozen(sut.edge)).toBe(true);
  });

  it('names every bad variable at once', () => {
    const attempt = () => parseConfig('control-plane', { CONTROL_PLANE_PORT: 'abc', REDIS_URL: 'http://x' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/CONTROL_PLANE_PORT/);
    expect(attempt).toThrow(/REDIS_URL/);
  });

  it('requires the edge signing secret only for apps behind the edge', () => {
    expect(() => parseConfig('edge', {})).toThrow(/EDGE_SIGNING_SECRET/);
    expect(() => parseConfig('provisioner', {})).not.toThrow();
  });
});
