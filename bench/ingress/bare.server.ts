/**
 * Reference 1 (child process of bench:ingress): a bare Fastify route that parses the JSON body the default
 * way and answers 200. The ceiling for any Fastify webhook receiver on this machine. Env: PORT.
 */
import Fastify from 'fastify';

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.post('/webhooks/:provider/:endpointId', async (_request, reply) => reply.code(200).send({ received: true }));
  app.get('/health/ready', async () => ({ status: 'ok' }));
  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
