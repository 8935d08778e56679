import { join, resolve } from 'node:path';
import { ConnectionResolver, ConnectionSecretStore, ConnectionService, ConnectionTester, IntegrationCatalog, OAuthTokenManager, parseCommandList } from '@junction/integrations';
import {
  ApiKeyRepository,
  applyMigrations,
  AuditEventRepository,
  ConnectionEventRepository,
  DeadLetterRepository,
  ConnectionHealthRepository,
  ConnectionRepository,
  CredentialRepository,
  IntegrationTypeRepository,
  OAuthTokenRepository,
  OutboxParkedRepository,
  OutboxRepository,
  PrismaService,
  redactDatabaseUrl,
  RetentionRepository,
  startEmbeddedPostgres,
  WebhookEndpointRepository,
} from '@junction/persistence';
import { CredentialService, CredentialVault, type KeyRing, parseKeyRing } from '@junction/security';
import { ApiKeyService, WebhookEndpointService } from '@junction/webhooks';
import { readInstanceFile } from '../../standalone/src/data-dir/instance-file';
import { kekFilePath, readKekFileIfPresent, readOrCreateKekFile } from '../../standalone/src/data-dir/kek-file';
import { CliConfigError, CliError, prismaReason } from './cli-errors';
import type { CliEnv } from './config/env';
import { DeadLetterAdmin, LazyBus, type MessageBus, MessagePublisher } from '@junction/messaging';
import { AlertChannelAdmin } from '../../metrics-aggregator/src/alert-delivery/alert-channel.admin';
import { AlertHttpClient } from '../../metrics-aggregator/src/alert-delivery/alert-http.client';
import { AlertAdmin } from '../../metrics-aggregator/src/alerts/alert.admin';
import { openBus } from './commands/topology.command';
import { JobCatalog } from '../../batch-scheduler/src/registry/job-catalog';
import { jobDescriptors } from '../../batch-scheduler/src/registry/job-descriptors';
import { BatchFileRepository } from '../../batch-scheduler/src/files/batch-file.repository';
import { BatchRunRepository } from '../../batch-scheduler/src/runs/batch-run.repository';
import { AdminRunsHandler } from '../../batch-scheduler/src/runs/usecases/admin-runs/admin-runs.handler';
import { ScheduleRepository } from '../../batch-scheduler/src/schedules/schedule.repository';
import { AdminSchedulesHandler } from '../../batch-scheduler/src/schedules/usecases/admin-schedules/admin-schedules.handler';

export interface CliRuntime {
  endpoints(): Promise<WebhookEndpointService>;
  apiKeys(): Promise<ApiKeyService>;
  /** Connection management (`junction connections …`); the catalog is synced on first use. */
  connections(): Promise<ConnectionService>;
  /** The integration catalog (synced from code on first use). */
  catalog(): Promise<IntegrationCatalog>;
  /** The credential service and the ring's active key id. */
  credentials(): Promise<{ service: CredentialService; activeKeyId: string }>;
  /** The ring's key ids, first = active; undefined when there is none yet. Touches no database. */
  keyIds(): Promise<readonly string[] | undefined>;
  /** The outbox rows the relay parked (list, redrive). */
  parkedOutbox(): Promise<OutboxParkedRepository>;
  /** Deletes old rows in batches under the retention advisory lock (`junction retention run`). */
  retention(): Promise<RetentionRepository>;
  /** The broker of BUS (connected on first use; touches no database). */
  bus(): Promise<MessageBus>;
  /** Dead letters (`junction dead-letters …`): the mirror in Postgres; BUS only once a redrive or purge needs it. */
  deadLetters(): Promise<DeadLetterAdmin>;
  /** Alert channels (`junction alert-channels …`): metrics-aggregator's use cases; `test` sends from this process. */
  alertChannels(): Promise<AlertChannelAdmin>;
  /** Alerts and alert rules (`junction alerts …`): metrics-aggregator's use cases over this database. */
  alerts(): Promise<AlertAdmin>;
  /** Schedules and batch runs (`junction schedules …`, `junction runs …`), validated against batch-scheduler's jobs. */
  scheduler(): Promise<{ schedules: AdminSchedulesHandler; runs: AdminRunsHandler }>;
  /** batch_file: CSV uploads and exports (`junction batch …`). */
  batchFiles(): Promise<BatchFileRepository>;
  /** Disconnects and stops an embedded Postgres the CLI started; safe to call when nothing was opened. */
  close(): Promise<void>;
}

interface Database {
  url: string;
  /** Set when the CLI started the embedded Postgres itself. */
  stop?: () => Promise<void>;
  /** A running standalone Junction's database. */
  standalone: boolean;
  /** Where the URL came from, for error messages. */
  source: string;
}

/**
 * Where the CLI finds its database: DATABASE_URL; else the running standalone Junction's (`standalone.json` in
 * the data dir); else it starts the embedded Postgres on the data dir itself, migrates it, and stops it at exit.
 * Its key ring (only for commands that seal or re-wrap secrets): JUNCTION_KEK; else `<data dir>/kek`, created
 * if missing, exactly as standalone does. Services are built by hand over one Prisma client: no Nest
 * application, so a command starts in about a second.
 */
export function createCliRuntime(env: CliEnv, notice: (line: string) => void = () => undefined): CliRuntime {
  const dataDir = resolve(env.JUNCTION_DATA_DIR);
  let database: Promise<{ prisma: PrismaService; database: Database }> | undefined;
  let credentials: Promise<{ service: CredentialService; activeKeyId: string }> | undefined;
  let bus: Promise<MessageBus> | undefined;
  let catalog: Promise<IntegrationCatalog> | undefined;
  let alertHttp: AlertHttpClient | undefined;
  let closed = false;
  const integrationsOptions = { mcpStdioCommands: parseCommandList(env.MCP_STDIO_COMMANDS) };

  const open = () => {
    if (closed) throw new Error('the CLI runtime is closed');
    return (database ??= (async () => {
      const opened = await connect(env, dataDir, notice);
      const prisma = new PrismaService(opened.url, { poolMax: 2 });
      try {
        await prisma.ping(5_000);
      } catch (error: unknown) {
        await prisma.$disconnect();
        await opened.stop?.();
        throw new CliError('DATABASE_UNAVAILABLE', `${opened.source} ${redactDatabaseUrl(opened.url)}: ${prismaReason((error as Error).cause ?? error)}`);
      }
      return { prisma, database: opened };
    })());
  };
  const openCredentials = () =>
    (credentials ??= (async () => {
      const { prisma, database: opened } = await open();
      const rows = new CredentialRepository(prisma);
      const ring = await keyRing(env, dataDir, opened, rows, notice);
      return { service: new CredentialService(new CredentialVault(ring), rows), activeKeyId: ring.activeKeyId };
    })());

  // The CLI may run before any app has started: the catalog is declared in code, so sync it here as the apps do.
  const openCatalog = () =>
    (catalog ??= (async () => {
      const { prisma } = await open();
      const opened = new IntegrationCatalog(new IntegrationTypeRepository(prisma), undefined, integrationsOptions);
      await opened.ensureSynced();
      return opened;
    })());

  const openBusOnce = () =>
    (bus ??= (async () => {
      const opened = await openBus(env);
      await opened.connect();
      return opened;
    })());

  return {
    connections: async () => {
      const [{ prisma }, { service }, types] = await Promise.all([open(), openCredentials(), openCatalog()]);
      const connections = new ConnectionRepository(prisma);
      const secrets = new ConnectionSecretStore(service, new CredentialRepository(prisma));
      const events = new ConnectionEventRepository(prisma);
      // Refreshes (test of an oauth2 connection) and revocations (disconnect, remove) as the apps do them; a re-auth alert
      // goes to the outbox, which the running apps relay.
      const tokens = new OAuthTokenManager(prisma, new OAuthTokenRepository(prisma), connections, events, service, secrets, MessagePublisher.outboxOnly(new OutboxRepository(prisma)));
      return new ConnectionService(
        prisma,
        connections,
        events,
        new ConnectionHealthRepository(prisma),
        new AuditEventRepository(prisma),
        types,
        secrets,
        new ConnectionResolver(connections, secrets, tokens),
        new ConnectionTester(undefined, integrationsOptions),
        tokens,
      );
    },
    catalog: openCatalog,
    endpoints: async () => {
      const [{ prisma }, { service }] = await Promise.all([open(), openCredentials()]);
      return new WebhookEndpointService(prisma, new WebhookEndpointRepository(prisma), service, new AuditEventRepository(prisma));
    },
    apiKeys: async () => {
      const { prisma } = await open();
      return new ApiKeyService(prisma, new ApiKeyRepository(prisma), new AuditEventRepository(prisma));
    },
    credentials: openCredentials,
    parkedOutbox: async () => new OutboxParkedRepository((await open()).prisma),
    retention: async () => new RetentionRepository((await open()).prisma),
    deadLetters: async () => {
      const { prisma } = await open();
      return new DeadLetterAdmin(prisma, new DeadLetterRepository(prisma), new AuditEventRepository(prisma), new LazyBus(openBusOnce));
    },
    alertChannels: async () => {
      const [{ prisma }, { service }] = await Promise.all([open(), openCredentials()]);
      return AlertChannelAdmin.create(prisma, service, (alertHttp ??= new AlertHttpClient({ timeoutMs: 10_000 })));
    },
    alerts: async () => AlertAdmin.create((await open()).prisma),
    keyIds: async () => {
      if (env.JUNCTION_KEK) return [...env.JUNCTION_KEK.keys.keys()];
      const file = await readKekFileIfPresent(dataDir);
      return file === undefined ? undefined : [...fileRing(dataDir, file).keys.keys()];
    },
    bus: openBusOnce,
    scheduler: async () => {
      const { prisma } = await open();
      const runs = new BatchRunRepository(prisma);
      const jobs = new JobCatalog(jobDescriptors());
      return { schedules: new AdminSchedulesHandler(new ScheduleRepository(prisma), runs, jobs), runs: new AdminRunsHandler(runs, jobs) };
    },
    batchFiles: async () => new BatchFileRepository((await open()).prisma),
    close: async () => {
      closed = true;
      await alertHttp?.onApplicationShutdown();
      await (await bus?.catch(() => undefined))?.close();
      const opened = await database?.catch(() => undefined);
      if (!opened) return;
      await opened.prisma.$disconnect();
      await opened.database.stop?.();
    },
  };
}

async function connect(env: CliEnv, dataDir: string, notice: (line: string) => void): Promise<Database> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, standalone: false, source: 'DATABASE_URL' };
  const instance = await readInstanceFile(dataDir);
  if (instance) return { url: instance.databaseUrl, standalone: true, source: `the standalone Junction (pid ${instance.pid})` };
  notice(`no DATABASE_URL and no running standalone Junction: starting the embedded Postgres in ${join(dataDir, 'postgres')}`);
  const embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres') });
  try {
    await applyMigrations(embedded.url);
  } catch (error: unknown) {
    await embedded.stop();
    throw error;
  }
  return { url: embedded.url, stop: embedded.stop, standalone: false, source: 'embedded Postgres' };
}

/**
 * A ring that cannot open the stored secrets is refused before anything is written: secrets sealed under a key
 * webhook-ingress does not have would make it reject every delivery, and nothing would say why.
 */
async function keyRing(env: CliEnv, dataDir: string, database: Database, credentials: CredentialRepository, notice: (line: string) => void): Promise<KeyRing> {
  // Key ids are never empty: "not wrapped by ''" is any row.
  const stored = (await credentials.findNotWrappedBy('', 1)).length > 0;
  let ring = env.JUNCTION_KEK;
  let source = 'JUNCTION_KEK';
  if (!ring) {
    source = kekFilePath(dataDir);
    const existing = await readKekFileIfPresent(dataDir);
    // Standalone writes this file whenever JUNCTION_KEK is unset: running without it, it was given JUNCTION_KEK.
    if (existing === undefined && (stored || database.standalone)) {
      throw new CliConfigError(
        `${database.standalone ? 'the running standalone Junction' : 'this database'} uses a key ring from JUNCTION_KEK and there is no ${source}: set JUNCTION_KEK to the same ring`,
        'KEK_REQUIRED',
      );
    }
    let value = existing;
    if (value === undefined) {
      const file = await readOrCreateKekFile(dataDir);
      if (file.created) notice(`created the key ring ${source} (0600): back it up with the database`);
      value = file.value;
    }
    ring = fileRing(dataDir, value);
  }
  if (stored) {
    let underRing = 0;
    for (const id of ring.keys.keys()) underRing += await credentials.countWrappedBy(id);
    if (underRing === 0) {
      throw new CliConfigError(`no stored secret is wrapped by a key in ${source} (${[...ring.keys.keys()].join(', ')}): set JUNCTION_KEK to the ring the apps use`, 'KEK_MISMATCH');
    }
  }
  return ring;
}

function fileRing(dataDir: string, value: string): KeyRing {
  try {
    return parseKeyRing(value);
  } catch (error: unknown) {
    throw new CliConfigError(`${kekFilePath(dataDir)}: ${(error as Error).message}`, 'INVALID_KEK');
  }
}
