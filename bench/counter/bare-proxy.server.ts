/**
 * The ceiling for any proxy hop on this machine: bare Node HTTP relaying each request to the
 * hello-world server through an undici pool (as the edge does), with no routing, signing or checks.
 */
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new Pool(process.env.UPSTREAM_URL!, { connections: 128 });
createServer((request, response) => {
  request.resume();
  upstream
    .request({ path: request.url ?? '/', method: request.method as 'POST', headers: { 'x-relayed': '1' } })
    .then(async (answer) => {
      const body = Buffer.from(await answer.body.arrayBuffer());
      response.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type']) });
      response.end(body);
    })
    .catch(() => response.writeHead(502).end());
}).listen(Number(process.env.PROXY_PORT), '127.0.0.1');
