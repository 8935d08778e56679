import { MemoryBroker, MemoryTransport } from '@junction/messaging';
import { parseEnv, startApp, type RunningApp } from '@junction/platform';
import type { TestDatabase } from '@junction/testing';
import { ApiKeyService } from '@junction/webhooks';
import { batchScheduler } from '../app.definition';
import { envSchema } from '../config/env';

export interface RunningScheduler {
  app: RunningApp;
  /** An admin key of the tenant under test, and one of another tenant (for isolation checks). */
  key: string;
  otherKey: string;
}

/**
 * batch-scheduler as the int-specs of its HTTP API run it: startApp on a memory bus and the test database, its own
 * leader at once (100 ms ticks, 200 ms leader retries), no retention loop, and admin keys for two tenants.
 */
export async function startRunningScheduler(db: TestDatabase, tenantId: string, extraEnv: Record<string, string> = {}): Promise<RunningScheduler> {
  const env = parseEnv(
    envSchema,
    { DATABASE_URL: db.url, HOST: '127.0.0.1', LOG_LEVEL: 'silent', RETENTION_ENABLED: 'false', SCHEDULER_TICK_MS: '100', SCHEDULER_LEADER_RETRY_MS: '200', ...extraEnv },
    'batch-scheduler',
  );
  const app = await startApp(batchScheduler, env, { bus: new MemoryTransport(new MemoryBroker()), port: 0 });
  const keys = app.app.get(ApiKeyService);
  const key = (await keys.create({ tenantId, actor: 'test' }, { name: 'admin', scopes: ['admin'] })).key;
  const otherKey = (await keys.create({ tenantId: 'someone-else', actor: 'test' }, { name: 'other', scopes: ['admin'] })).key;
  return { app, key, otherKey };
}
