/**
 * npm run bench:alert-delivery — how fast the alert delivery loop drains a backlog of pending deliveries to one webhook
 * receiver (signed with standardwebhooks, sent with undici), with 1 and 3 dispatchers (replicas, each on its own
 * connection pool) and a receiver answering at once or after 50 ms. Real Postgres (TEST_DATABASE_URL / DATABASE_URL,
 * else embedded). Checks every delivery reached the receiver exactly once. Prints a table; a script, not a test.
 */
import { createServer } from 'node:http';
import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { CredentialRepository, PrismaService } from '@junction/persistence';
import { CredentialService, CredentialVault, parseKeyRing } from '@junction/security';
import { createTestDatabase } from '@junction/testing';
import { AlertChannelAdmin } from '../../apps/metrics-aggregator/src/alert-delivery/alert-channel.admin';
import { AlertChannelRepository } from '../../apps/metrics-aggregator/src/alert-delivery/alert-channel.repository';
import { AlertChannelSecrets } from '../../apps/metrics-aggregator/src/alert-delivery/alert-channel.secrets';
import { AlertChannelSender } from '../../apps/metrics-aggregator/src/alert-delivery/alert-channel.sender';
import { AlertDeliveryDispatcher } from '../../apps/metrics-aggregator/src/alert-delivery/alert-delivery.dispatcher';
import { AlertDeliveryMetrics } from '../../apps/metrics-aggregator/src/alert-delivery/alert-delivery.metrics';
import { AlertDeliveryRepository } from '../../apps/metrics-aggregator/src/alert-delivery/alert-delivery.repository';
import { AlertHttpClient } from '../../apps/metrics-aggregator/src/alert-delivery/alert-http.client';
import { TEST_KEK } from '../../apps/metrics-aggregator/src/alert-delivery/testing/alert-delivery.fixture';
import { DispatchAlertDeliveriesHandler } from '../../apps/metrics-aggregator/src/alert-delivery/usecases/dispatch-alert-deliveries/dispatch-alert-deliveries.handler';

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 1_000);
const BATCH = 20;

async function receiver(delayMs: number) {
  const ids: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      ids.push(String(req.headers['webhook-id']));
      setTimeout(() => res.end('ok'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, ids, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function main() {
  // One log line per delivery is the loop's normal output; here it would measure the console.
  Logger.overrideLogger(false);
  const db = await createTestDatabase();
  const credentials = new CredentialService(new CredentialVault(parseKeyRing(TEST_KEK)), new CredentialRepository(db.prisma));
  const http = new AlertHttpClient({ timeoutMs: 5_000 });
  const admin = AlertChannelAdmin.create(db.prisma, credentials, http);
  const rows = [];
  try {
    for (const [replicas, delayMs] of [[1, 0], [3, 0], [1, 50], [3, 50]] as const) {
      const tenantId = `bench-${replicas}-${delayMs}`;
      const target = await receiver(delayMs);
      const { channel } = await admin.create({ tenantId, actor: 'bench' }, { kind: 'webhook', name: 'bench', url: target.url });
      const alert = await db.prisma.alert.create({ data: { tenantId, rule: 'error_rate', subject: 'bench', status: 'firing', severity: 'warning', summary: 'bench' } });
      // One alert per delivery: (alertId, channelId, event) is unique.
      const alerts = await db.prisma.alert.createManyAndReturn({ data: Array.from({ length: DELIVERIES - 1 }, (_, i) => ({ tenantId, rule: 'error_rate', subject: `bench-${i}`, status: 'firing', severity: 'warning', summary: 'bench' })), select: { id: true } });
      await db.prisma.alertDelivery.createMany({ data: [alert, ...alerts].map((a) => ({ alertId: a.id, channelId: channel.id, event: 'fired' })) });

      const clients = Array.from({ length: replicas }, () => new PrismaService(db.url, { poolMax: 4 }));
      const dispatchers = clients.map((prisma) => {
        const handler = new DispatchAlertDeliveriesHandler(new AlertDeliveryRepository(prisma), new AlertChannelSecrets(credentials, new AlertChannelRepository(prisma)), new AlertChannelSender(http), new AlertDeliveryMetrics(), {
          batchSize: BATCH,
          leaseMs: 15_000,
          policy: { maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 60_000 },
        });
        return new AlertDeliveryDispatcher(handler, { pollMs: 50, batchSize: BATCH });
      });
      const started = process.hrtime.bigint();
      dispatchers.forEach((d) => d.start());
      while ((await db.prisma.alertDelivery.count({ where: { channelId: channel.id, status: 'delivered' } })) < DELIVERIES) await new Promise((r) => setTimeout(r, 20));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      await Promise.all(dispatchers.map((d) => d.stop()));
      await Promise.all(clients.map((c) => c.$disconnect()));
      await target.close();
      rows.push({ replicas, 'receiver ms': delayMs, deliveries: DELIVERIES, 'deliveries/s': Math.round(DELIVERIES / seconds), seconds: Number(seconds.toFixed(2)), requests: target.ids.length, 'distinct ids': new Set(target.ids).size });
    }
    console.table(rows);
  } finally {
    await http.onApplicationShutdown();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
