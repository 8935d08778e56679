import { randomBytes } from 'node:crypto';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Pool } from 'undici';
import { MemoryTransport, MessagingModule } from '@junction/messaging';
import { PersistenceModule } from '@junction/persistence';
import { formatKeyEntry, SecurityModule } from '@junction/security';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { WebhooksModule } from '../webhooks.module';

/** Enough to span several aggregation intervals; the bound on rows holds the same at 100,000 (bench:ingress floods harder). */
const REQUESTS = 30_000;
/** Distinct unknown endpoint ids (each one costs a lookup per 5 s); provider segments are random per request. */
const IDS = 2_000;

/**
 * Unauthenticated traffic must not fill the database: the webhook route over real HTTP and real Postgres, flooded
 * with requests to endpoints that do not exist (random ids, random provider segments).
 */
describe('webhook rejections under a flood (HTTP, real Postgres)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    const moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRoot({ databaseUrl: db.url, poolMax: 5 }),
        MessagingModule.forRoot({ bus: new MemoryTransport(), consumer: 'webhook-ingress', relay: false }),
        SecurityModule.forRoot({ kek: formatKeyEntry('test', randomBytes(32)) }),
        WebhooksModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it(`answers ${REQUESTS.toLocaleString('en')} requests to unknown endpoints with 404 and leaves a bounded number of audit rows, counts summed`, async () => {
    const pool = new Pool(await app!.getUrl(), { connections: 32, pipelining: 1 });
    const ids = Array.from({ length: IDS }, () => randomBytes(8).toString('hex'));
    const statuses = new Map<number, number>();
    let next = 0;
    const startedAt = Date.now();
    const started = process.hrtime.bigint();
    const worker = async () => {
      while (next < REQUESTS) {
        const n = next++;
        const { statusCode, body } = await pool.request({
          path: `/webhooks/${randomBytes(6).toString('hex')}/${ids[n % IDS]}`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        await body.dump();
        statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 128 }, worker));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await pool.close();
    expect(Object.fromEntries(statuses)).toEqual({ 404: REQUESTS });

    // Closing the app writes what is pending, the current interval's aggregate included (beforeApplicationShutdown).
    await app!.close();
    app = undefined;
    const endedAt = Date.now();
    const [{ rows, requests }] = await db.prisma.$queryRaw<Array<{ rows: bigint; requests: bigint }>>`
      SELECT count(*) AS rows, coalesce(sum(coalesce(("detail"->>'count')::int, 1)), 0) AS requests
      FROM "audit_event" WHERE "action" = 'webhook.rejected' AND "outcome" = 'ENDPOINT_NOT_FOUND'`;
    process.stdout.write(`${REQUESTS} rejections in ${seconds.toFixed(1)} s (${Math.round(REQUESTS / seconds)} req/s) left ${rows} audit rows\n`);
    // At most 10 sampled rows per clock minute and one aggregate row per 10 s interval that the run touched.
    const spanned = (ms: number) => Math.floor(endedAt / ms) - Math.floor(startedAt / ms) + 1;
    expect(Number(rows)).toBeLessThanOrEqual(10 * spanned(60_000) + spanned(10_000));
    expect(Number(requests)).toBe(REQUESTS);
    const aggregates = await db.prisma.auditEvent.findMany({ where: { action: 'webhook.rejected', detail: { path: ['aggregate'], equals: 'unknown-endpoint' } } });
    expect(aggregates.length).toBeGreaterThanOrEqual(1);
    // Nothing the sender chose reaches an aggregate row.
    for (const row of aggregates) expect(JSON.stringify(row)).not.toMatch(new RegExp(ids.slice(0, 50).join('|')));
  // What it proves is a bound on rows, not a speed: 100k requests took 20 s alone, 134 s to over 300 s in full CI runs.
  }, 300_000);
});
