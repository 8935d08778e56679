import { randomBytes } from 'node:crypto';
import { MemoryBroker, MemoryTransport } from '@junction/messaging';
import { ApiKeyRepository, AuditEventRepository } from '@junction/persistence';
import { parseEnv, startApp, type RunningApp } from '@junction/platform';
import { formatKeyEntry } from '@junction/security';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { ApiKeyService } from '@junction/webhooks';
import { webhookIngress } from '../../webhook-ingress/src/app.definition';
import { standaloneApiKey } from './api-key';

/**
 * The key `npm start` prints, on POST /commands, with webhook-ingress started the way main.ts starts it (the key
 * handed over as JUNCTION_API_KEY): revoking the key must cut /commands off while the app keeps running.
 */
describe('standalone: the printed key on POST /commands (real Postgres, webhook-ingress as npm start runs it)', () => {
  const kek = formatKeyEntry('test', randomBytes(32));
  let db: TestDatabase;
  let apiKeys: ApiKeyService;
  let ingress: RunningApp | undefined;

  const startIngress = async (apiKey: string) => {
    const env = parseEnv(
      webhookIngress.envSchema,
      { BUS: 'memory', DATABASE_URL: db.url, DATABASE_POOL_MAX: '3', JUNCTION_API_KEY: apiKey, JUNCTION_KEK: kek, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' },
      webhookIngress.name,
    );
    ingress = await startApp(webhookIngress, env as never, { bus: new MemoryTransport(new MemoryBroker()) });
    return ingress.url;
  };
  const post = async (url: string, key: string) => {
    const response = await fetch(`${url}/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'erp.customer.create', payload: { customerName: 'Acme GmbH', customerType: 'Company' } }),
    });
    const text = await response.text();
    expect(text).not.toContain(key.slice(16));
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    apiKeys = new ApiKeyService(db.prisma, new ApiKeyRepository(db.prisma), new AuditEventRepository(db.prisma));
  });
  afterEach(async () => {
    await ingress?.stop();
    ingress = undefined;
  });
  afterAll(() => db?.drop());

  it('takes the printed key for the default tenant until the next start replaces it, then answers 401', async () => {
    const first = await standaloneApiKey(db.url, 'default', undefined);
    const url = await startIngress(first.key);
    const accepted = await post(url, first.key);
    expect(accepted).toMatchObject({ status: 202 });
    const guard = await db.prisma.processedMessage.findFirstOrThrow({ where: { messageId: accepted.body.id as string } });
    expect(guard.consumer).toBe('webhook-ingress:http-commands');

    // A second `npm start` (same database) generates a new key and revokes this one.
    const second = await standaloneApiKey(db.url, 'default', undefined);
    expect(await post(url, first.key)).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    expect(await post(url, second.key)).toMatchObject({ status: 202 });
  });

  it('cuts /commands off at once when the printed key is revoked (junction api-keys revoke)', async () => {
    const { key } = await standaloneApiKey(db.url, 'default', undefined);
    const url = await startIngress(key);
    expect(await post(url, key)).toMatchObject({ status: 202 });
    await apiKeys.revoke({ tenantId: 'default', actor: 'cli' }, key.slice(3, 15));
    expect(await post(url, key)).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
  });
});
