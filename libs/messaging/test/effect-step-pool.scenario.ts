import { Client } from 'pg';
import { createMessage, createReply, type MessageOf } from '@junction/contracts';
import { CommandClaimRepository, EffectLedgerRepository, OutboxRepository, PrismaService, ProcessedMessageRepository } from '@junction/persistence';
import type { Settlement } from '../src/bus/message-bus.port';
import { EffectStep } from '../src/idempotency/effect-step';
import { IdempotentConsumer } from '../src/idempotency/idempotent-consumer';
import type { MessagingModuleOptions } from '../src/messaging.module';
import { MessageDispatcher } from '../src/nest/message-dispatcher';
import { OutboxRelay } from '../src/outbox/outbox.relay';
import { MessagePublisher } from '../src/publishing/message.publisher';
import { toOutgoing } from '../src/publishing/outgoing-message';
import { MemoryTransport } from '../src/transports/memory/memory.transport';

/**
 * Issue 12 §3's pool scenario, shared by effect-step.int-spec.ts (assertions) and bench/effect-step (figures,
 * old path against new): `commands` erp.customer.create commands on a MemoryTransport subscription with
 * `concurrency` handlers at once, each calling a provider that takes `callMs`, on a pg pool of `poolMax`.
 * Settlement goes through the real MessageDispatcher (settlement policy, redelivery with backoff).
 */
export type PoolScenarioMode = 'effect-step' | 'idempotent-consumer';

export interface PoolScenarioOptions {
  databaseUrl: string;
  mode: PoolScenarioMode;
  commands: number;
  callMs: number;
  concurrency: number;
  poolMax: number;
  /** Gives up waiting for every command to be processed after this (default 60 s). */
  giveUpMs?: number;
}

export interface PoolScenarioFigures {
  mode: PoolScenarioMode;
  commands: number;
  processed: number;
  /** Provider calls made (each delivery that reached the provider). */
  providerCalls: number;
  /** Deliveries that failed and were settled for retry or dead-letter (pool timeouts and the like). */
  failedDeliveries: number;
  failureReasons: Record<string, number>;
  deadLettered: number;
  /** Start → the last command processed (or give-up). */
  wallMs: number;
  /** Most pooled connections checked out at once (pool.totalCount − pool.idleCount), sampled every 5 ms. */
  maxPoolInUse: number;
  /** Most callers waiting for a pooled connection at once. */
  maxPoolWaiting: number;
  /** Pooled connections checked out, integrated over the run (connection-seconds): 64 × 2 s held = 128. */
  poolConnectionSeconds: number;
  /** Connections checked out 1 s into the run, when every delivery that got going is mid-call. */
  poolInUseAt1s: number;
  /** Most sessions of this database 'idle in transaction' at once (pg_stat_activity, sampled every 10 ms). */
  maxIdleInTransaction: number;
  /** Oldest open transaction seen (ms), by pg_stat_activity.xact_start. */
  maxTransactionAgeMs: number;
}

const CONSUMER = 'pool-scenario';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runPoolScenario(options: PoolScenarioOptions): Promise<PoolScenarioFigures> {
  const prisma = new PrismaService(options.databaseUrl, { poolMax: options.poolMax });
  const bus = new MemoryTransport();
  const messaging: MessagingModuleOptions = { bus, consumer: CONSUMER, relay: false };
  const outbox = new OutboxRepository(prisma);
  const relay = new OutboxRelay(outbox, bus, messaging);
  const publisher = new MessagePublisher(bus, outbox, relay);
  const ledger = new EffectLedgerRepository(prisma);
  const processedRepo = new ProcessedMessageRepository();
  const effectStep = new EffectStep(prisma, new CommandClaimRepository(prisma), processedRepo, relay, messaging);
  const idempotent = new IdempotentConsumer(prisma, processedRepo, relay, messaging);

  let providerCalls = 0;
  const provider = async (name: string) => {
    providerCalls++;
    await sleep(options.callMs);
    return { name };
  };
  const record = async (tx: Parameters<Parameters<PrismaService['transaction']>[0]>[0], command: MessageOf<'erp.customer.create'>, erpName: string) => {
    const { customerName } = command.payload;
    await ledger.record(tx, { commandId: command.id, consumer: CONSUMER, provider: 'scenario', operation: 'customer.create', naturalKey: customerName, externalRef: erpName, outcome: 'created' });
    await publisher.enqueue(tx, [createReply(command, 'erp.customer.created', { commandId: command.id, customerName, erpName, alreadyExisted: false })]);
  };
  const handle = async (command: MessageOf<'erp.customer.create'>) => {
    if (options.mode === 'effect-step') {
      await effectStep.run(command, {
        effect: () => provider(command.payload.customerName),
        commit: (tx, customer) => record(tx, command, customer.name),
      });
    } else {
      // The old shape: the provider is called inside the transaction (60 s, IdempotentConsumer's default).
      await idempotent.run(command.id, async (tx) => record(tx, command, (await provider(command.payload.customerName)).name));
    }
  };

  const failureReasons: Record<string, number> = {};
  let failedDeliveries = 0;
  let deadLettered = 0;
  const dispatcher = new MessageDispatcher((type) => (type === 'erp.customer.create' ? (m) => handle(m as MessageOf<'erp.customer.create'>) : undefined), {
    maxDeliveryCount: 10,
    logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
    onDeadLetter: async () => {
      deadLettered++;
    },
  });

  // Samplers: the pool from inside, the server's view from a connection of its own (not from the pool).
  let maxPoolInUse = 0;
  let maxPoolWaiting = 0;
  let connectionMs = 0;
  let poolInUseAt1s = -1;
  let lastSample = performance.now();
  let started = Date.now();
  const poolSampler = setInterval(() => {
    const inUse = prisma.pool.totalCount - prisma.pool.idleCount;
    const now = performance.now();
    connectionMs += inUse * (now - lastSample);
    lastSample = now;
    maxPoolInUse = Math.max(maxPoolInUse, inUse);
    maxPoolWaiting = Math.max(maxPoolWaiting, prisma.pool.waitingCount);
    if (poolInUseAt1s < 0 && Date.now() - started >= 1_000) poolInUseAt1s = inUse;
  }, 5);
  const observer = new Client({ connectionString: options.databaseUrl });
  await observer.connect();
  let maxIdleInTransaction = 0;
  let maxTransactionAgeMs = 0;
  let sampling = true;
  const serverSampler = (async () => {
    while (sampling) {
      const { rows } = await observer.query<{ n: number; age: number | null }>(
        `SELECT count(*)::int AS n, max(EXTRACT(EPOCH FROM (clock_timestamp() - xact_start)) * 1000)::int AS age
           FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'`,
      );
      maxIdleInTransaction = Math.max(maxIdleInTransaction, rows[0]!.n);
      maxTransactionAgeMs = Math.max(maxTransactionAgeMs, rows[0]!.age ?? 0);
      await sleep(10);
    }
  })();

  const commands = Array.from({ length: options.commands }, (_, i) =>
    createMessage('erp.customer.create', { customerName: `Pool ${options.mode} ${i} ${Date.now()}`, customerType: 'Company' }, { tenantId: 't1' }),
  );
  const ids = commands.map((c) => c.id);
  await prisma.$queryRaw`SELECT 1`;
  started = Date.now();
  lastSample = performance.now();
  connectionMs = 0;
  const subscription = await bus.subscribe(
    { topic: 'erp.commands', subscription: CONSUMER, types: ['erp.customer.create'], maxDeliveryCount: 10, concurrency: options.concurrency },
    async (delivery): Promise<Settlement> => {
      const settlement = await dispatcher.dispatch(delivery);
      if (settlement.action !== 'complete') {
        failedDeliveries++;
        failureReasons[settlement.reason] = (failureReasons[settlement.reason] ?? 0) + 1;
      }
      return settlement;
    },
  );
  await bus.publish(commands.map((c) => toOutgoing(c)));

  const giveUpAt = started + (options.giveUpMs ?? 60_000);
  let processed = 0;
  try {
    while (Date.now() < giveUpAt) {
      // From the observer's own connection: a count through the starved pool would wait for it too.
      const { rows } = await observer.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM processed_message WHERE consumer = $1 AND "messageId" = ANY($2::uuid[])`,
        [CONSUMER, ids],
      );
      processed = rows[0]!.n;
      if (processed === commands.length) break;
      await sleep(50);
    }
    const wallMs = Date.now() - started;
    return {
      mode: options.mode,
      commands: commands.length,
      processed,
      providerCalls,
      failedDeliveries,
      failureReasons,
      deadLettered,
      wallMs,
      maxPoolInUse,
      maxPoolWaiting,
      poolConnectionSeconds: Math.round(connectionMs / 100) / 10,
      poolInUseAt1s,
      maxIdleInTransaction,
      maxTransactionAgeMs,
    };
  } finally {
    sampling = false;
    clearInterval(poolSampler);
    await serverSampler;
    await observer.end();
    await subscription.close();
    await bus.close();
    await prisma.$disconnect();
  }
}
