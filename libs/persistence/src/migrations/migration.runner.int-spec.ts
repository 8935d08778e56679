import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { resolvePostgres, withPgClient as sql, type ResolvedPostgres } from '@junction/testing';
import { applyMigrations, migrationStatus } from './migration.runner';
import { findPrismaPaths, listMigrationNames } from './migrations-folder.reader';


describe('migration runner (schema-engine-wasm, no Rust engine)', () => {
  let server: ResolvedPostgres;
  let url: string;
  const database = `junction_migrate_${randomBytes(4).toString('hex')}`;
  const migrations = listMigrationNames(findPrismaPaths().migrationsDir);

  beforeAll(async () => {
    server = await resolvePostgres();
    await sql(server.url, (client) => client.query(`CREATE DATABASE ${database}`));
    const parsed = new URL(server.url);
    parsed.pathname = `/${database}`;
    url = parsed.toString();
  });

  afterAll(async () => {
    await sql(server.url, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    await server.stop();
  });

  it('reports every migration as pending on an empty database', async () => {
    expect(migrations.length).toBeGreaterThan(0);
    const status = await migrationStatus(url);
    expect(status).toEqual({ migrations, pending: migrations, failed: [], edited: [], unknownToFolder: [], upToDate: false });
  });

  it('applies all migrations to a fresh database, then nothing the second time', async () => {
    expect(await applyMigrations(url)).toEqual({ applied: migrations });
    expect(await applyMigrations(url)).toEqual({ applied: [] });

    const recorded = await sql(url, (client) =>
      client.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name'),
    );
    expect(recorded.rows.map((row) => row.migration_name)).toEqual(migrations);
    const tables = await sql(url, (client) =>
      client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"),
    );
    expect(tables.rows.map((row) => row.tablename)).toEqual(
      expect.arrayContaining(['call_record', 'dead_letter', 'effect_ledger', 'outbox_message', 'processed_message']),
    );
  });

  it('reports the migrated database as up to date', async () => {
    expect(await migrationStatus(url)).toMatchObject({ pending: [], failed: [], edited: [], upToDate: true });
  });

  it('serialises concurrent runs (Prisma advisory lock): each migration is applied once', async () => {
    const fresh = `${database}_b`;
    await sql(server.url, (client) => client.query(`CREATE DATABASE ${fresh}`));
    try {
      const parsed = new URL(url);
      parsed.pathname = `/${fresh}`;
      const results = await Promise.all([applyMigrations(parsed.toString()), applyMigrations(parsed.toString())]);
      expect(results.flatMap((result) => result.applied).sort()).toEqual(migrations);
    } finally {
      await sql(server.url, (client) => client.query(`DROP DATABASE IF EXISTS ${fresh} WITH (FORCE)`));
    }
  });

  it('fails with a readable error for an unreachable server', async () => {
    await expect(applyMigrations('postgresql://postgres@127.0.0.1:1/none')).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
      message: expect.stringContaining("Can't reach database server"),
    });
  });

  it('rejects a URL that is not postgres', async () => {
    await expect(applyMigrations('mysql://root@localhost/x')).rejects.toMatchObject({ code: 'DATABASE_URL_INVALID' });
  });
});
