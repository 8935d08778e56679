import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@junction/persistence';
import { dockerAvailable } from './docker.probe';

export type PostgresSource = 'env' | 'testcontainers' | 'embedded';

export interface ResolvedPostgres {
  /** A URL on the server; its database exists and may be used as an admin connection. */
  url: string;
  source: PostgresSource;
  /** Stops what this call started (a container or an embedded server); a no-op for an env URL. */
  stop(): Promise<void>;
}

const POSTGRES_IMAGE = 'postgres:16-alpine';

/**
 * A Postgres server for tests, in this order: TEST_DATABASE_URL / DATABASE_URL → a testcontainers container when a
 * Docker engine answers → an embedded server in a temporary directory (removed on stop).
 */
export async function resolvePostgres(): Promise<ResolvedPostgres> {
  const envUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (envUrl) return { url: envUrl, source: 'env', stop: async () => undefined };

  if (await dockerAvailable()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer(POSTGRES_IMAGE).start();
    return { url: container.getConnectionUri(), source: 'testcontainers', stop: async () => void (await container.stop()) };
  }

  const dataDir = await mkdtemp(join(tmpdir(), 'junction-test-pg-'));
  try {
    const server = await startEmbeddedPostgres({ dataDir, database: 'postgres' });
    return {
      url: server.url,
      source: 'embedded',
      stop: async () => {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error: unknown) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
