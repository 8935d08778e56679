import type { ClientConfig } from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';

/** A missing or malformed database URL: reported with a stable code and without the password. */
export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
  readonly code = 'DATABASE_URL_INVALID';
}

/**
 * Validates a `postgresql://user@host:port/db` URL and returns discrete pg client fields.
 * Discrete fields, not `{ connectionString }`: adapter-pg derives shadow databases from its config, and with a
 * connection string that shadow connection silently points at the real database.
 */
export function parseDatabaseUrl(databaseUrl: string | undefined): ClientConfig & { database: string } {
  if (!databaseUrl?.trim()) throw new DatabaseUrlError('DATABASE_URL is not set (expected postgresql://user@host:5432/database)');
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new DatabaseUrlError('DATABASE_URL is not a valid URL (expected postgresql://user@host:5432/database)');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new DatabaseUrlError(`DATABASE_URL must start with postgresql:// (got ${url.protocol}//)`);
  }
  const config = parseIntoClientConfig(databaseUrl);
  if (!config.database) throw new DatabaseUrlError(`DATABASE_URL names no database (${redactDatabaseUrl(databaseUrl)})`);
  return { ...config, database: config.database };
}

/** The URL with its password replaced, for logs and error messages. */
export function redactDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable url>';
  }
}
