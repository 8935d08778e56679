import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, withPgClient as sql, type TestDatabase } from '@junction/testing';
import { applyMigrations } from './migration.runner';
import { findPrismaPaths, listMigrationNames, MIGRATION_LOCK_FILE } from './migrations-folder.reader';

const MIGRATION = '20261121132943_outbox_delete_relayed';

/**
 * The migration that makes the relay delete what it published: a database that holds published and pending
 * outbox rows keeps exactly what is still owed, and HTTP command ids already published stay duplicates.
 */
describe(`migration ${MIGRATION} (data)`, () => {
  let db: TestDatabase;
  let before: string;

  beforeAll(async () => {
    const { migrationsDir } = findPrismaPaths();
    before = mkdtempSync(join(tmpdir(), 'junction-migrations-'));
    for (const name of listMigrationNames(migrationsDir).filter((n) => n < MIGRATION)) cpSync(join(migrationsDir, name), join(before, name), { recursive: true });
    cpSync(join(migrationsDir, MIGRATION_LOCK_FILE), join(before, MIGRATION_LOCK_FILE));
    db = await createTestDatabase({ migrationsDir: before });
  });

  afterAll(async () => {
    rmSync(before, { recursive: true, force: true });
    await db.drop();
  });

  it('deletes published rows, keeps pending ones, and records published command ids as HTTP duplicates', async () => {
    const [publishedCommand, publishedEvent, pendingCommand] = [randomUUID(), randomUUID(), randomUUID()];
    await sql(db.url, (client) =>
      client.query(
        `INSERT INTO outbox_message (id, topic, type, body, "publishedAt") VALUES
           ($1, 'erp.commands', 'erp.customer.create', '{}', now()),
           ($2, 'erp.events', 'erp.customer.created', '{}', now()),
           ($3, 'erp.commands', 'erp.customer.create', '{}', NULL)`,
        [publishedCommand, publishedEvent, pendingCommand],
      ),
    );

    await applyMigrations(db.url);

    const outbox = await sql(db.url, (client) => client.query<{ id: string }>('SELECT id::text FROM outbox_message'));
    expect(outbox.rows.map((r) => r.id)).toEqual([pendingCommand]);
    const guards = await sql(db.url, (client) => client.query<{ consumer: string; id: string }>('SELECT consumer, "messageId"::text AS id FROM processed_message ORDER BY id'));
    expect(guards.rows).toEqual([publishedCommand, pendingCommand].sort().map((id) => ({ consumer: 'webhook-ingress:http-commands', id })));
  });
});
