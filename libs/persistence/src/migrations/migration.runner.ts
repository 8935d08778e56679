import type { Pool } from 'pg';
import { parseDatabaseUrl } from '../database-url.parser';
import { findPrismaPaths, listMigrationNames, readMigrationsList } from './migrations-folder.reader';
import { engineErrorMessage, type MigrationAdapterFactory, withSchemaEngine } from './schema-engine.client';
import { nodeRequire } from '../node-require';

export interface MigrationOptions {
  /** Defaults to the repository's prisma/migrations. */
  migrationsDir?: string;
}

export interface MigrationStatus {
  /** Every migration folder, oldest first. */
  migrations: string[];
  /** Folders not yet applied to the database. */
  pending: string[];
  /** Applied migrations that failed and need attention (`prisma migrate resolve`). */
  failed: string[];
  /** Applied migrations whose migration.sql changed since. */
  edited: string[];
  /** Applied in the database but missing from the folder (another branch?). */
  unknownToFolder: string[];
  upToDate: boolean;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  readonly code = 'MIGRATION_FAILED';
}

const NO_FILTERS = { externalTables: [], externalEnums: [] };

/**
 * The engine panics without a datamodel, but applying and diagnosing only need the provider: a synthetic one
 * keeps schema.prisma out of the runtime image (only prisma/migrations ships).
 */
const PROVIDER_ONLY_SCHEMA = [{ path: 'schema.prisma', content: 'datasource db {\n  provider = "postgresql"\n}\n' }];

/**
 * Applies every pending migration in prisma/migrations, like `prisma migrate deploy`, without the Rust engine.
 * Writes Prisma's `_prisma_migrations` table and takes its advisory lock, so concurrent starts serialise.
 */
export async function applyMigrations(databaseUrl: string, options: MigrationOptions = {}): Promise<{ applied: string[] }> {
  const migrationsDir = options.migrationsDir ?? findPrismaPaths().migrationsDir;
  return withPgFactory(databaseUrl, async (factory) => {
    const migrationsList = readMigrationsList(migrationsDir);
    const output = await withSchemaEngine(factory, PROVIDER_ONLY_SCHEMA, (engine) =>
      engine.applyMigrations({ migrationsList, filters: NO_FILTERS }),
    ).catch((error: unknown) => {
      throw new MigrationError(`Applying migrations failed: ${engineErrorMessage(error)}`, { cause: error });
    });
    return { applied: [...output.appliedMigrationNames] };
  });
}

/** What `prisma migrate status` reports, as data. */
export async function migrationStatus(databaseUrl: string, options: MigrationOptions = {}): Promise<MigrationStatus> {
  const migrationsDir = options.migrationsDir ?? findPrismaPaths().migrationsDir;
  return withPgFactory(databaseUrl, async (factory) => {
    const migrationsList = readMigrationsList(migrationsDir);
    const output = await withSchemaEngine(factory, PROVIDER_ONLY_SCHEMA, (engine) =>
      engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS }),
    ).catch((error: unknown) => {
      throw new MigrationError(`Reading migration status failed: ${engineErrorMessage(error)}`, { cause: error });
    });
    const migrations = listMigrationNames(migrationsDir);
    const history = output.history;
    const pending = !output.hasMigrationsTable
      ? migrations
      : history?.diagnostic === 'databaseIsBehind' || history?.diagnostic === 'historiesDiverge'
        ? [...history.unappliedMigrationNames]
        : [];
    const unknownToFolder =
      history?.diagnostic === 'migrationsDirectoryIsBehind' || history?.diagnostic === 'historiesDiverge'
        ? [...history.unpersistedMigrationNames]
        : [];
    const failed = [...output.failedMigrationNames];
    const edited = [...output.editedMigrationNames];
    return {
      migrations,
      pending,
      failed,
      edited,
      unknownToFolder,
      upToDate: pending.length + failed.length + edited.length + unknownToFolder.length === 0,
    };
  });
}

/**
 * adapter-pg over a pool we own: the engine never disposes its adapter, so we end the pool ourselves and the
 * process is not held open by idle connections.
 */
async function withPgFactory<T>(databaseUrl: string, work: (factory: MigrationAdapterFactory) => Promise<T>): Promise<T> {
  const config = parseDatabaseUrl(databaseUrl);
  const pg = nodeRequire('pg') as typeof import('pg');
  const { PrismaPg } = nodeRequire('@prisma/adapter-pg') as typeof import('@prisma/adapter-pg');
  const pool: Pool = new pg.Pool({ ...config, max: 2, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined); // an idle client dropped by the server; the next checkout reconnects
  try {
    return await work(new PrismaPg(pool));
  } finally {
    await pool.end();
  }
}
