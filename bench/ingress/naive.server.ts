/**
 * Reference 2 (child process of bench:ingress): the durable webhook handler most teams would write. Fastify,
 * the Standard Webhooks check with node:crypto (HMAC-SHA256 over `${id}.${timestamp}.${body}` under the
 * base64-decoded part after `whsec_`, ±5 min tolerance, constant-time compare), then one
 * `INSERT … ON CONFLICT DO NOTHING` per request on a pg Pool of 10 (the app's default pool), answering 200
 * after it commits. Env: PORT, DATABASE_URL, WEBHOOK_SECRET.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import { Pool } from 'pg';

const TOLERANCE_SECONDS = 300;

function header(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function verify(key: Buffer, id: string, timestamp: string, body: Buffer, signatures: string): boolean {
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  return signatures.split(' ').some((entry) => {
    if (!entry.startsWith('v1,')) return false;
    const given = Buffer.from(entry.slice(3), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

async function main(): Promise<void> {
  const secret = process.env.WEBHOOK_SECRET ?? '';
  if (!secret.startsWith('whsec_')) throw new Error('WEBHOOK_SECRET must be whsec_<base64>');
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post('/webhooks/:provider/:endpointId', async (request, reply) => {
    const id = header(request.headers['webhook-id']);
    const timestamp = header(request.headers['webhook-timestamp']);
    const signatures = header(request.headers['webhook-signature']);
    const body = request.body as Buffer;
    if (!id || !timestamp || !signatures) return reply.code(400).send({ error: 'missing signature headers' });
    if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return reply.code(401).send({ error: 'timestamp out of tolerance' });
    if (!verify(key, id, timestamp, body, signatures)) return reply.code(401).send({ error: 'invalid signature' });
    await pool.query('INSERT INTO naive_inbox (event_id, body) VALUES ($1, $2) ON CONFLICT DO NOTHING', [id, body.toString('utf8')]);
    return reply.code(200).send({ received: true });
  });
  app.get('/health/ready', async () => {
    await pool.query('SELECT 1');
    return { status: 'ok' };
  });
  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  const stop = () => void app.close().then(() => pool.end()).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
