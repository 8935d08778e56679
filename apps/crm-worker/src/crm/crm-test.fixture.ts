/** Test wiring shared by crm-worker's use-case int-specs: real Postgres, the memory bus, the CRM sandbox. */
import { Test, type TestingModule } from '@nestjs/testing';
import type { Provider, Type } from '@nestjs/common';
import { CRM_SANDBOX_TOKEN, CrmSandbox, HubSpotClient, type CrmSandboxOptions } from '@junction/connectors/crm';
import { MemoryTransport, MessagingModule } from '@junction/messaging';
import { PersistenceModule } from '@junction/persistence';
import { ResilienceModule } from '@junction/platform';
import { ResiliencePipelines } from '@junction/resilience';
import { createTestDatabase, outboxCausedBy, type TestDatabase } from '@junction/testing';
import { CrmGateway } from './crm-gateway';
import type { HubSpotCrmOptions } from './hubspot/hubspot-crm.adapter';

export interface CrmFixture {
  sandbox: CrmSandbox;
  db: TestDatabase;
  moduleRef: TestingModule;
  /** The outbox rows a command caused, bodies parsed. */
  outboxOf(commandId: string): Promise<{ type: string; topic: string; body: unknown }[]>;
  close(): Promise<void>;
}

export async function crmFixture(handlers: Type[], sandboxOptions: CrmSandboxOptions = {}, adapter?: HubSpotCrmOptions): Promise<CrmFixture> {
  const db = await createTestDatabase();
  const sandbox = new CrmSandbox({ rateLimit: { max: 100_000 }, ...sandboxOptions });
  await sandbox.start();
  const client = new HubSpotClient({ baseUrl: sandbox.url, token: CRM_SANDBOX_TOKEN, timeoutMs: 2_000 });
  const gatewayProvider: Provider = {
    provide: CrmGateway,
    inject: [ResiliencePipelines],
    useFactory: (calls: ResiliencePipelines) => new CrmGateway({ fallbackClient: { kind: 'sandbox', client }, timeoutMs: 2_000, calls, adapter }),
  };
  const moduleRef = await Test.createTestingModule({
    imports: [
      PersistenceModule.forRoot({ databaseUrl: db.url }),
      MessagingModule.forRoot({ bus: new MemoryTransport(), consumer: 'crm-worker', relay: false }),
      // Fast retries so an outage test does not wait on the production backoff.
      ResilienceModule.forRoot({ tenantId: 't1', overrides: { crm: { retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 } } } }),
    ],
    providers: [...handlers, gatewayProvider],
  }).compile();
  await moduleRef.init();
  return {
    sandbox,
    db,
    moduleRef,
    outboxOf: (id) => outboxCausedBy(db, id),
    close: async () => {
      await moduleRef.close();
      await sandbox.stop();
      await db.drop();
    },
  };
}
