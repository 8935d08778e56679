/**
 * The bench database: created fresh (dropped first) next to the base database, migrated like any Junction
 * database, plus the naive handler's one table. It is left in place after the run for inspection. The Junction endpoint is created the way the CLI does it
 * (WebhookEndpointService with hand-built repositories), so its secret is sealed under the bench's KEK ring.
 * The queries the sanity checks and the batch figures need live here too.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  applyMigrations,
  AuditEventRepository,
  CredentialRepository,
  parseDatabaseUrl,
  PrismaService,
  redactDatabaseUrl,
  WebhookEndpointRepository,
} from '@junction/persistence';
import { CredentialService, CredentialVault, formatKeyEntry, parseKeyRing } from '@junction/security';
import { WebhookEndpointService } from '@junction/webhooks';

export const ENDPOINT = { id: 'bench-svix', provider: 'svix' } as const;

/** `<id>:<base64 of 32 random bytes>`, the JUNCTION_KEK format. */
export function newKeyRing(): string {
  return formatKeyEntry('bench', randomBytes(32));
}

/** Drops and recreates `name` on the server of `baseUrl`; returns the new database's URL. */
export async function recreateDatabase(baseUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bench database name must be a plain identifier: ${name}`);
  const admin = new Client(parseDatabaseUrl(baseUrl));
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Junction's migrations, the naive table, and the Junction endpoint with `secret`. */
export async function prepareDatabase(url: string, kek: string, secret: string): Promise<void> {
  await applyMigrations(url);
  const pg = new Client(parseDatabaseUrl(url));
  await pg.connect();
  try {
    await pg.query('CREATE TABLE naive_inbox (event_id text PRIMARY KEY, body jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())');
  } finally {
    await pg.end();
  }
  const prisma = new PrismaService(url, { poolMax: 2 });
  try {
    const endpoints = new WebhookEndpointRepository(prisma);
    const credentials = new CredentialService(new CredentialVault(parseKeyRing(kek)), new CredentialRepository(prisma));
    const service = new WebhookEndpointService(prisma, endpoints, credentials, new AuditEventRepository(prisma));
    await service.create(
      { tenantId: 'default', actor: 'cli' },
      { id: ENDPOINT.id, provider: ENDPOINT.provider, scheme: 'standard-webhooks', secrets: [secret], description: 'bench:ingress' },
    );
  } catch (error) {
    throw new Error(`creating the bench endpoint in ${redactDatabaseUrl(url)} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    await prisma.$disconnect();
  }
}

export interface BatchFigures {
  /** Statements (transactions) that inserted the run's rows. */
  statements: number;
  rowsPerStatementMean: number;
  rowsPerStatementP50: number;
  rowsPerStatementP90: number;
  rowsPerStatementMax: number;
}

/** Counts and figures about one run's rows, told apart by the run's event-id prefix. */
export class BenchQueries {
  private constructor(private readonly pg: Client) {}

  static async open(url: string): Promise<BenchQueries> {
    const pg = new Client(parseDatabaseUrl(url));
    await pg.connect();
    return new BenchQueries(pg);
  }

  async naiveRows(runTag: string): Promise<number> {
    const { rows } = await this.pg.query<{ n: string }>('SELECT count(*) AS n FROM naive_inbox WHERE event_id LIKE $1', [`msg_${runTag}%`]);
    return Number(rows[0]!.n);
  }

  async inboxRows(runTag: string): Promise<number> {
    const { rows } = await this.pg.query<{ n: string }>('SELECT count(*) AS n FROM inbox_message WHERE "eventId" LIKE $1', [`msg_${runTag}%`]);
    return Number(rows[0]!.n);
  }

  async unpublishedOutbox(): Promise<number> {
    const { rows } = await this.pg.query<{ n: string }>('SELECT count(*) AS n FROM outbox_message');
    return Number(rows[0]!.n);
  }

  /**
   * Rows inserted by one statement share their xmin (inbox rows are never updated, so it stays the
   * inserting transaction's id): grouping the run's inbox rows by xmin gives the group-commit batch sizes.
   */
  async inboxBatches(runTag: string): Promise<BatchFigures> {
    const { rows } = await this.pg.query<{ size: number; statements: string }>(
      `SELECT size, count(*) AS statements FROM (
         SELECT xmin::text AS tx, count(*)::int AS size FROM inbox_message WHERE "eventId" LIKE $1 GROUP BY 1
       ) t GROUP BY size ORDER BY size`,
      [`msg_${runTag}%`],
    );
    const sizes = rows.map((r) => ({ size: r.size, count: Number(r.statements) }));
    const statements = sizes.reduce((s, r) => s + r.count, 0);
    const total = sizes.reduce((s, r) => s + r.size * r.count, 0);
    const quantile = (q: number) => {
      let seen = 0;
      for (const r of sizes) {
        seen += r.count;
        if (seen >= q * statements) return r.size;
      }
      return 0;
    };
    return {
      statements,
      rowsPerStatementMean: statements === 0 ? 0 : total / statements,
      rowsPerStatementP50: quantile(0.5),
      rowsPerStatementP90: quantile(0.9),
      rowsPerStatementMax: sizes.at(-1)?.size ?? 0,
    };
  }

  /** Commits in this database and WAL written by the whole server (other databases included). */
  async counters(): Promise<{ commits: number; walBytes: number; walSyncs: number }> {
    const { rows } = await this.pg.query<{ commits: string; wal_bytes: string; wal_sync: string }>(
      'SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()) AS commits, wal_bytes, wal_sync FROM pg_stat_wal',
    );
    return { commits: Number(rows[0]!.commits), walBytes: Number(rows[0]!.wal_bytes), walSyncs: Number(rows[0]!.wal_sync) };
  }

  close(): Promise<void> {
    return this.pg.end();
  }
}
