/**
 * Boots erp-worker use cases for an int-spec: real Postgres (a fresh database), the memory bus, the ERPNext sandbox
 * (seeded: company "Junction Sandbox", warehouses "Stores - SBX" …, items SKU-001 …) and fast resilience retries.
 * Tests only; never imported by the app.
 */
import type { Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { createMessage, type MessageOf, type MessagePayload, type MessageType } from '@junction/contracts';
import { ErpNextClient, ErpNextSandbox, type SandboxLedgerEntry } from '@junction/connectors/erpnext';
import { MemoryTransport, MessagingModule } from '@junction/messaging';
import { EffectLedgerRepository, PersistenceModule } from '@junction/persistence';
import { ResilienceModule } from '@junction/platform';
import { createTestDatabase, outboxCausedBy, type TestDatabase } from '@junction/testing';
import { ErpNextCalls } from './erpnext/erpnext-calls';
import { ErpNextConnections } from './erpnext/erpnext-connections';

export const TENANT = 't-erp';
const KEY = 'kit-key';
const SECRET = 'kit-secret-value';

export interface ErpWorkerKit {
  readonly db: TestDatabase;
  readonly sandbox: ErpNextSandbox;
  readonly moduleRef: TestingModule;
  /** A client on the sandbox, outside the pipeline: to seed documents and read them back as ERPNext has them. */
  readonly client: ErpNextClient;
  get<T>(type: Type<T>): T;
  /** The events a command caused (the outbox), as type + payload. */
  events(commandId: string): Promise<Array<{ type: string; payload: Record<string, unknown> }>>;
  /** The effect ledger row of a command. */
  ledger(commandId: string, operation: string): ReturnType<EffectLedgerRepository['find']>;
  /** Sandbox writes (created / updated / submitted / cancelled / status_updated) from here on. */
  mark(): () => SandboxLedgerEntry[];
  close(): Promise<void>;
}

/** A command as a producer would publish it. */
export function command<T extends MessageType>(type: T, payload: MessagePayload<T>): MessageOf<T> {
  return createMessage(type, payload as never, { tenantId: TENANT }) as MessageOf<T>;
}

/**
 * The broker's redelivery, in a test: delivers until the handler returns (an answer was committed), rethrowing what
 * is not retryable. Returns how many deliveries it took.
 */
export async function deliverUntilHandled(handle: () => Promise<void>, maxDeliveries = 5): Promise<number> {
  for (let delivery = 1; ; delivery++) {
    try {
      await handle();
      return delivery;
    } catch (error) {
      if (delivery >= maxDeliveries || (error as { retryable?: unknown }).retryable !== true) throw error;
    }
  }
}

export interface KitOptions {
  /** A client subclass, to hold or lose a call at a chosen moment. */
  readonly clientClass?: typeof ErpNextClient;
}

export async function bootErpWorker(handlers: Type[], options: KitOptions = {}): Promise<ErpWorkerKit> {
  const db = await createTestDatabase();
  const sandbox = new ErpNextSandbox({ apiKey: KEY, apiSecret: SECRET });
  await sandbox.start();
  const client = new ErpNextClient({ baseUrl: sandbox.url, apiKey: KEY, apiSecret: SECRET, timeoutMs: 2_000 });
  const Client = options.clientClass ?? ErpNextClient;
  const workerClient = new Client({ baseUrl: sandbox.url, apiKey: KEY, apiSecret: SECRET, timeoutMs: 2_000 });
  const moduleRef = await Test.createTestingModule({
    imports: [
      PersistenceModule.forRoot({ databaseUrl: db.url, poolMax: 4 }),
      MessagingModule.forRoot({ bus: new MemoryTransport(), consumer: 'erp-worker', relay: false }),
      // Fast retries (a storm test must not wait on production backoff); a breaker that a short storm does not open.
      ResilienceModule.forRoot({
        tenantId: TENANT,
        overrides: { erpnext: { retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10 }, breaker: { volumeThreshold: 1_000 } } },
      }),
    ],
    providers: [
      ErpNextCalls,
      { provide: ErpNextConnections, useValue: new ErpNextConnections({ fallback: { kind: 'sandbox', client: workerClient }, timeoutMs: 2_000 }) },
      ...handlers,
    ],
  }).compile();
  await moduleRef.init();
  return {
    db,
    sandbox,
    moduleRef,
    client,
    get: (type) => moduleRef.get(type),
    events: async (commandId) =>
      (await outboxCausedBy(db, commandId)).map((row) => {
        const body = row.body as { type: string; payload: Record<string, unknown> };
        return { type: body.type, payload: body.payload };
      }),
    ledger: (commandId, operation) => moduleRef.get(EffectLedgerRepository).find('erp-worker', commandId, operation),
    mark: () => {
      const from = sandbox.ledger.length;
      return () => sandbox.ledger.slice(from);
    },
    close: async () => {
      await moduleRef.close();
      await sandbox.stop();
      await db.drop();
    },
  };
}
