/**
 * The one way to put a schema or role name into SQL. Postgres identifiers cannot be bound as
 * parameters, so they are double-quoted with embedded quotes doubled; names are also limited to
 * what we generate ourselves, so anything unexpected is a bug and fails loudly.
 */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`Refusing unexpected SQL identifier ${JSON.stringify(name)}`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

export function databaseNameOf(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}
