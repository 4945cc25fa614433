/** What the edge sends back, built by services and written by one function, so controllers stay one call. */
export interface EdgeAnswer {
  status: number;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export function htmlAnswer(status: number, html: string, headers: Record<string, string> = {}): EdgeAnswer {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: html,
  };
}

export function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): EdgeAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}
