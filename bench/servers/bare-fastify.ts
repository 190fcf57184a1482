/**
 * The HTTP limit: a bare Fastify server whose POST /graphql parses the JSON body and answers with the
 * same JSON the gateway would (given in BARE_RESPONSE), with no GraphQL, no authentication, no logging
 * and no inference. Whatever the gateway adds on top is measured against this.
 */
import Fastify from 'fastify';

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';
const responseText = process.env.BARE_RESPONSE;
if (!responseText) throw new Error('BARE_RESPONSE must hold the JSON to answer with, but it is not set');
const response: unknown = JSON.parse(responseText);

const app = Fastify({ logger: false });
app.post('/graphql', async (request) => {
  if (typeof request.body !== 'object' || request.body === null) throw new Error('the body must be a JSON object');
  return response;
});
app.get('/readyz', async () => ({ status: 'ready' }));
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port, host });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
