import { redisConnectionOptions } from './redis-connection.js';

const readCa = (file: string) => `pem of ${file}`;

describe(redisConnectionOptions.name, () => {
  it('connects in plain text to a redis:// URL', () => {
    expect(redisConnectionOptions({ url: 'redis://127.0.0.1:6379' }, readCa)).toEqual({
      host: '127.0.0.1',
      port: 6379,
    });
  });

  it('turns TLS on for rediss://, verifies against the CA file, and sends the password as AUTH', () => {
    const sut = redisConnectionOptions(
      { url: 'rediss://:s3cr%2Ft@10.0.0.5:6378/2', caCertFile: '/etc/memorystore/ca.pem' },
      readCa,
    );
    expect(sut).toEqual({
      host: '10.0.0.5',
      port: 6378,
      password: 's3cr/t',
      db: 2,
      tls: { rejectUnauthorized: true, ca: 'pem of /etc/memorystore/ca.pem' },
    });
  });

  it('keeps an ACL user name, and verifies against system CAs without a CA file', () => {
    const sut = redisConnectionOptions({ url: 'rediss://tenant:pw@redis.example:6380' }, readCa);
    expect(sut).toMatchObject({ username: 'tenant', password: 'pw', tls: { rejectUnauthorized: true } });
    expect(sut.tls).not.toHaveProperty('ca');
  });

  it('refuses a CA file for a plain-text URL rather than silently not using it', () => {
    expect(() => redisConnectionOptions({ url: 'redis://10.0.0.5:6379', caCertFile: '/ca.pem' }, readCa)).toThrow(
      /not rediss/,
    );
  });
});
