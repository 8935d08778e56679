import type { OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { parseDatabaseUrl } from '../database-url.parser';
import { type Prisma, PrismaClient } from '../generated/prisma/client';

/** The client handed to `transaction` callbacks; repositories take it so a use case composes one transaction. */
export type Tx = Prisma.TransactionClient;

export interface PrismaServiceOptions {
  /** pg pool size (default 10). */
  poolMax?: number;
}

export interface TransactionOptions {
  /** Rolls back and rejects when the callback runs longer (default 10 s). */
  timeoutMs?: number;
  /** How long to wait for a pool connection before giving up (default 5 s). */
  maxWaitMs?: number;
}

export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  readonly code = 'DATABASE_UNAVAILABLE';
}

/** Prisma Client over node-postgres (`@prisma/adapter-pg`): no Rust query engine. */
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  /**
   * The node-postgres pool under Prisma, for the few hot paths where Prisma's per-query cost shows (the webhook
   * inbox's group commit, the outbox relay). Everything else goes through Prisma; both share these connections.
   */
  readonly pool: Pool;

  constructor(databaseUrl: string, options: PrismaServiceOptions = {}) {
    const connection = parseDatabaseUrl(databaseUrl);
    const pool = new Pool({
      ...connection,
      // adapter-pg sends Date parameters without an offset and reads timestamptz as if it were UTC: on a
      // server whose time zone is not UTC every time would be shifted. Every session we open is UTC.
      options: [connection.options, '-c TimeZone=UTC'].filter(Boolean).join(' '),
      max: options.poolMax ?? 10,
      // pg waits forever for a connection by default: with the database down, requests would hang, not fail.
      connectionTimeoutMillis: 5_000,
    });
    // An idle connection the server drops (restart, failover) emits 'error' on the pool: without a listener
    // that would crash the process. The next query gets a fresh connection.
    pool.on('error', () => undefined);
    // disposeExternalPool: $disconnect ends the pool, as it did when the adapter owned it.
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    this.pool = pool;
  }

  /** Interactive transaction: everything `fn` does through `tx` commits together or not at all. */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.$transaction(fn, { timeout: options.timeoutMs ?? 10_000, maxWait: options.maxWaitMs ?? 5_000 });
  }

  /** Readiness probe: resolves when `SELECT 1` answers within `timeoutMs`. */
  async ping(timeoutMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DatabaseUnavailableError(`database did not answer SELECT 1 within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.$queryRaw`SELECT 1`, timeout]);
    } catch (error: unknown) {
      if (error instanceof DatabaseUnavailableError) throw error;
      throw new DatabaseUnavailableError(`database ping failed: ${(error as Error).message}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  // Last shutdown phase: consumers and the outbox relay (beforeApplicationShutdown) still need the pool until then.
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
