import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm';

export const MIGRATION_LOCK_FILE = 'migration_lock.toml';
export const MIGRATION_SCRIPT_FILE = 'migration.sql';

export interface PrismaPaths {
  /** prisma/schema.prisma */
  schemaPath: string;
  /** prisma/migrations */
  migrationsDir: string;
}

/**
 * Finds the repository's `prisma/` folder by walking up from this file, so the same code works from
 * libs/…/src (tests, CLI), dist/libs/…/src (compiled app) and an image that keeps the repo layout.
 */
export function findPrismaPaths(start: string = __dirname): PrismaPaths {
  let dir = resolve(start);
  for (;;) {
    const schemaPath = join(dir, 'prisma', 'schema.prisma');
    const migrationsDir = join(dir, 'prisma', 'migrations');
    if (existsSync(schemaPath) || existsSync(migrationsDir)) return { schemaPath, migrationsDir };
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No prisma/schema.prisma or prisma/migrations found above ${start}`);
    dir = parent;
  }
}

/** Migration folder names, oldest first (Prisma names them `<yyyyMMddHHmmss>_<name>`). */
export function listMigrationNames(migrationsDir: string): string[] {
  if (!existsSync(migrationsDir)) return [];
  return readdirSync(migrationsDir)
    .filter((name) => statSync(join(migrationsDir, name)).isDirectory())
    .sort();
}

/** The migrations folder in the shape the schema engine expects (what the Prisma CLI would send). */
export function readMigrationsList(migrationsDir: string): MigrationList {
  const lockPath = join(migrationsDir, MIGRATION_LOCK_FILE);
  return {
    baseDir: migrationsDir,
    lockfile: { path: MIGRATION_LOCK_FILE, content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: listMigrationNames(migrationsDir).map((name) => {
      const scriptPath = join(migrationsDir, name, MIGRATION_SCRIPT_FILE);
      return {
        path: name,
        migrationFile: {
          path: MIGRATION_SCRIPT_FILE,
          content: existsSync(scriptPath)
            ? { tag: 'ok' as const, value: readFileSync(scriptPath, 'utf8') }
            : { tag: 'error' as const, value: `${scriptPath} is missing` },
        },
      };
    }),
  };
}
