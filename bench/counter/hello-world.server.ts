/** The reference point: bare Fastify answering a constant JSON body, nothing else. */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/hello', async () => ({ hello: 'world' }));
app.get('/health', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.HELLO_PORT ?? 0), host: '127.0.0.1' });
