export { applyMigrations, MigrationError, migrationStatus } from './migrations/migration.runner';
export type { MigrationOptions, MigrationStatus } from './migrations/migration.runner';
export { createMigration } from './migrations/migration.creator';
export type { CreateMigrationOptions, CreateMigrationResult } from './migrations/migration.creator';
export { DatabaseUrlError, parseDatabaseUrl, redactDatabaseUrl } from './database-url.parser';
