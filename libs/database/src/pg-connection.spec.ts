import { pgConnectionOptions } from './pg-connection.js';

const CA = '-----BEGIN CERTIFICATE-----\nserver-ca\n-----END CERTIFICATE-----\n';
const files: Record<string, string> = {
  '/etc/cloudsql/ca.pem': CA,
  '/other/ca.pem': 'other',
  '/c.pem': 'c',
  '/k.pem': 'k',
};
const readFile = (file: string) => {
  const text = files[file];
  if (text === undefined) throw new Error(`ENOENT: ${file}`);
  return text;
};
const sut = (url: string, caCertFile?: string) => pgConnectionOptions({ url, caCertFile }, readFile);
const BASE = 'postgresql://tenant:p%40ss@10.1.2.3:5432/platform';

describe(pgConnectionOptions.name, () => {
  it('uses no TLS without sslmode or CA, or with sslmode=disable', () => {
    expect(sut(BASE)).toEqual({ connectionString: `${BASE}`, ssl: false });
    expect(sut(`${BASE}?sslmode=disable`)).toEqual({ connectionString: BASE, ssl: false });
  });

  it('reads sslmode=require without a CA as encrypted but unverified, as libpq does (not verify-full)', () => {
    const options = sut(`${BASE}?sslmode=require`);
    expect(options.connectionString).toBe(BASE);
    expect(options.ssl).toEqual({ rejectUnauthorized: false });
  });

  it('verifies the chain, not the host name, for sslmode=require with a CA file and for verify-ca', () => {
    for (const url of [`${BASE}?sslmode=require`, `${BASE}?sslmode=verify-ca`]) {
      const { ssl, connectionString } = sut(url, '/etc/cloudsql/ca.pem');
      expect(connectionString).toBe(BASE);
      expect(ssl).toMatchObject({ ca: CA });
      expect(ssl && ssl.rejectUnauthorized).not.toBe(false);
      expect(ssl && ssl.checkServerIdentity?.('10.1.2.3', {} as never)).toBeUndefined();
    }
  });

  it('verifies chain and host name for verify-full', () => {
    const { ssl } = sut(`${BASE}?sslmode=verify-full`, '/etc/cloudsql/ca.pem');
    expect(ssl).toEqual({ ca: CA });
  });

  it('treats a CA file without sslmode as verify-ca, and prefers DATABASE_CA_CERT_FILE over sslrootcert', () => {
    expect(sut(BASE, '/etc/cloudsql/ca.pem').ssl).toMatchObject({ ca: CA });
    expect(sut(`${BASE}?sslmode=verify-full&sslrootcert=/other/ca.pem`).ssl).toEqual({ ca: 'other' });
    expect(sut(`${BASE}?sslmode=verify-full&sslrootcert=/other/ca.pem`, '/etc/cloudsql/ca.pem').ssl).toEqual({
      ca: CA,
    });
  });

  it('passes a client certificate and keeps every other parameter in the URL', () => {
    const options = sut(
      `${BASE}?sslmode=verify-full&sslcert=/c.pem&sslkey=/k.pem&application_name=x`,
      '/etc/cloudsql/ca.pem',
    );
    expect(options).toEqual({ connectionString: `${BASE}?application_name=x`, ssl: { ca: CA, cert: 'c', key: 'k' } });
  });

  it('refuses modes it cannot honour, and a CA file that is not there', () => {
    expect(() => sut(`${BASE}?sslmode=prefer`)).toThrow(/sslmode=prefer is not supported/);
    expect(() => sut(`${BASE}?sslmode=verify-full`, '/missing.pem')).toThrow(/ENOENT/);
  });
});
