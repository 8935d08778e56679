import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessage, type AnyMessage } from '@junction/contracts';
import { ErpNextSandbox } from '@junction/connectors/erpnext';
import { RabbitMqTransport, toOutgoing, type DeliveredMessage } from '@junction/messaging';
import { applyMigrations, startEmbeddedPostgres, type EmbeddedPostgres } from '@junction/persistence';
import {
  closeRabbitMqConnection,
  freePort,
  rabbitMqCtlAvailable,
  rabbitMqReachable,
  startAppProcess,
  testRabbitMqUrl,
  waitUntil,
  type AppProcess,
} from '@junction/testing';

/**
 * What an operator sees when a dependency goes away under a running erp-worker process: readiness fails,
 * the worker reconnects on its own, and a command sent during the outage is handled once afterwards.
 * The database is an embedded Postgres this test owns, so it can stop and restart it.
 */
const describeIfBroker = rabbitMqReachable('the outage end-to-end test') ? describe : describe.skip;

describeIfBroker('outages under a running erp-worker', () => {
  const run = randomUUID().slice(0, 8);
  const dataDir = mkdtempSync(join(tmpdir(), 'junction-outage-'));
  chmodSync(dataDir, 0o755);
  const sandbox = new ErpNextSandbox({ apiKey: 'k', apiSecret: 'outage-secret' });
  const observer = new RabbitMqTransport({ url: testRabbitMqUrl, connectionName: `e2e-outage-observer-${run}` });
  const events: DeliveredMessage[] = [];
  let pg: EmbeddedPostgres;
  let port: number;
  let worker: AppProcess;

  const ready = async () => {
    const res = await fetch(`${worker.url}/health/ready`);
    return { status: res.status, body: (await res.json()) as { error?: Record<string, { status: string }> } };
  };
  const eventFor = (id: string) => events.find((e) => ((e.body as AnyMessage).payload as { commandId?: string }).commandId === id);
  const sendCommand = async (customerName: string) => {
    const command = createMessage('erp.customer.create', { customerName, customerType: 'Company' }, { tenantId: 'outage' });
    await observer.publish([toOutgoing(command)]);
    return command;
  };

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
    port = await freePort();
    pg = await startEmbeddedPostgres({ dataDir, port });
    await applyMigrations(pg.url);
    const { url: erpUrl } = await sandbox.start();
    worker = await startAppProcess('dist/apps/erp-worker/main.js', {
      BUS: 'rabbitmq',
      RABBITMQ_URL: testRabbitMqUrl,
      DATABASE_URL: pg.url,
      PORT: '0',
      HOST: '127.0.0.1',
      ERPNEXT_URL: erpUrl,
      ERPNEXT_API_KEY: 'k',
      ERPNEXT_API_SECRET: 'outage-secret',
    });
    await observer.connect();
    await observer.subscribe(
      { topic: 'erp.events', subscription: `e2e-outage-${run}`, types: ['erp.customer.created'], maxDeliveryCount: 3, concurrency: 2 },
      async (m) => {
        events.push(m);
        return { action: 'complete' };
      },
    );
  }, 90_000);

  afterAll(async () => {
    await worker?.stop();
    await observer.close();
    await sandbox.stop();
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('reports the database down, then recovers and handles the command sent meanwhile', async () => {
    expect((await ready()).status).toBe(200);
    await pg.stop();
    await waitUntil(async () => (await ready()).status === 503, 10_000, 'readiness 503');
    expect((await ready()).body.error?.database?.status).toBe('down');

    const during = await sendCommand(`During DB outage ${run}`);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(eventFor(during.id)).toBeUndefined();

    pg = await startEmbeddedPostgres({ dataDir, port });
    await waitUntil(async () => (await ready()).status === 200, 15_000, 'readiness 200 after the database returned');
    await waitUntil(() => eventFor(during.id) !== undefined, 40_000, 'the command sent during the outage');
    expect(sandbox.ledger.filter((l) => l.name === `During DB outage ${run}`)).toHaveLength(1);
  }, 90_000);

  (rabbitMqCtlAvailable() ? it : it.skip)('reconnects to the broker after it drops the connection and consumes again', async () => {
    closeRabbitMqConnection(`erp-worker@${hostname()}:${worker.child.pid}`);
    await waitUntil(() => worker.output().includes('connection lost'), 10_000, 'the worker noticing');
    await waitUntil(async () => (await ready()).status === 200, 20_000, 'readiness after reconnect');
    const after = await sendCommand(`After broker drop ${run}`);
    await waitUntil(() => eventFor(after.id) !== undefined, 20_000, 'a command after the reconnect');
  }, 60_000);
});
