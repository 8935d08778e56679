import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { applyMigrations, PrismaService } from '@junction/persistence';
import { resolvePostgres, type ResolvedPostgres } from './postgres.resolver';

export interface TestDatabase {
  /** URL of the fresh, migrated database. */
  url: string;
  prisma: PrismaService;
  /** Disconnects, drops the database, and stops the server when this was the last database on it. */
  drop(): Promise<void>;
}

// One server per Jest test file (Jest gives each file its own module registry), shared by its databases.
let server: Promise<ResolvedPostgres> | undefined;
let openDatabases = 0;

/**
 * A uniquely named database with every migration applied, so each test file is isolated from the others.
 * `migrationsDir`: apply that folder's migrations instead (a migration's data test starts from the ones before it).
 */
export async function createTestDatabase(options: { migrationsDir?: string } = {}): Promise<TestDatabase> {
  openDatabases++;
  let resolved: ResolvedPostgres;
  try {
    server ??= resolvePostgres();
    resolved = await server;
  } catch (error: unknown) {
    server = undefined;
    openDatabases--;
    throw error;
  }

  const name = `junction_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(resolved.url, name);
  let prisma: PrismaService;
  try {
    await withPgClient(resolved.url, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
    await applyMigrations(url, options);
    prisma = new PrismaService(url, { poolMax: 5 });
  } catch (error: unknown) {
    await dropDatabase(resolved, name);
    throw error;
  }

  let dropped: Promise<void> | undefined;
  return {
    url,
    prisma,
    drop: () =>
      (dropped ??= (async () => {
        await prisma.$disconnect();
        await dropDatabase(resolved, name);
      })()),
  };
}

/**
 * The outbox rows of the messages caused by `causationId`, with their bodies parsed: the column holds the JSON
 * text `OutboxRepository.enqueue` wrote.
 */
export async function outboxCausedBy(db: TestDatabase, causationId: string) {
  const rows = await db.prisma.outboxMessage.findMany({ where: { body: { contains: `"causationId":"${causationId}"` } } });
  return rows.map((row) => ({ ...row, body: JSON.parse(row.body) as unknown }));
}

/** Drops the database and releases the server (stopped once its last database is gone). */
async function dropDatabase(resolved: ResolvedPostgres, name: string): Promise<void> {
  try {
    // FORCE: a test that leaked a connection must not leave the database behind.
    await withPgClient(resolved.url, (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`));
  } finally {
    if (--openDatabases === 0) {
      server = undefined;
      await resolved.stop();
    }
  }
}

/** Runs `work` on a fresh connection to `url`, closed afterwards (for DDL and assertions outside Prisma). */
export async function withPgClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
