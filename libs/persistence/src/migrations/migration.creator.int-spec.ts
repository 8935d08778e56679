import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMigration, migrationSlug, migrationTimestamp } from './migration.creator';
import { findPrismaPaths } from './migrations-folder.reader';

// Each diff replays the migrations into in-process PGlite (a few seconds per instance).
jest.setTimeout(90_000);

describe('createMigration (diff against in-process PGlite)', () => {
  const repo = findPrismaPaths();
  let work: string;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'junction-migrations-'));
    cpSync(repo.migrationsDir, join(work, 'migrations'), { recursive: true });
    cpSync(repo.schemaPath, join(work, 'schema.prisma'));
  });

  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('finds no changes between the committed migrations and schema.prisma (no drift)', async () => {
    const result = await createMigration('nothing', { schemaPath: join(work, 'schema.prisma'), migrationsDir: join(work, 'migrations') });
    expect(result).toEqual({ created: false, reason: 'no changes' });
    expect(readdirSync(join(work, 'migrations')).sort()).toEqual(readdirSync(repo.migrationsDir).sort());
  });

  it('writes a Prisma-format migration folder for a schema change', async () => {
    const schemaPath = join(work, 'schema.prisma');
    writeFileSync(schemaPath, `${readFileSync(schemaPath, 'utf8')}\nmodel Probe {\n  id Int @id\n  label String\n  @@map("probe")\n}\n`);
    const now = new Date('2030-01-02T03:04:05Z');

    const result = await createMigration('Add probe!', { schemaPath, migrationsDir: join(work, 'migrations'), now });

    expect(result).toMatchObject({ created: true, name: '20300102030405_add_probe' });
    const written = readFileSync(join(work, 'migrations', '20300102030405_add_probe', 'migration.sql'), 'utf8');
    expect(written).toContain('CREATE TABLE "probe"');
    expect(written).not.toContain('outbox_message');
  });
});

describe('migration naming', () => {
  it('uses UTC yyyyMMddHHmmss and a snake_case slug', () => {
    expect(migrationTimestamp(new Date('2026-11-21T08:35:34.999Z'))).toBe('20261121083534');
    expect(migrationSlug('  Add Outbox-Index ')).toBe('add_outbox_index');
    expect(() => migrationSlug('!!!')).toThrow('not a usable migration name');
  });
});
