import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { OutboxHeaders } from '../outbox/outbox.types';

/** One received webhook: its inbox row and the outbox row that carries it to the broker. */
export interface InboxEntry {
  /** Inbox id = outbox id = envelope id. */
  id: string;
  endpointId: string;
  provider: string;
  eventId: string;
  eventType: string;
  topic: string;
  type: string;
  body: Prisma.InputJsonValue;
  headers: OutboxHeaders;
}

/** Postgres SQLSTATE classes that mean "this row's data", not "the database": one bad row must not fail its batch. */
const DATA_ERROR = /^(22|54)/;

@Injectable()
export class InboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts the inbox rows and, for each that is new, its outbox row — in ONE statement, so both commit together
   * or not at all (no interactive transaction: one round trip for any number of entries). An entry whose
   * (endpointId, eventId) is already in the inbox, committed by anyone, is skipped with its outbox row.
   * Returns the ids that were inserted; the others are duplicates.
   *
   * Entries in one call must have distinct (endpointId, eventId): callers deduplicate within a batch.
   */
  async accept(entries: readonly InboxEntry[]): Promise<Set<string>> {
    if (entries.length === 0) return new Set();
    // Straight on the pg pool: this statement runs once per group commit on the webhook hot path, where
    // Prisma's own per-query work was measurable (bench:ingress).
    const { rows } = await this.prisma.pool.query<{ id: string }>(
      `WITH batch AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS b(id uuid, "endpointId" text, provider text, "eventId" text, "eventType" text, topic text, type text, body jsonb, headers jsonb)
       ), inbox AS (
         INSERT INTO "inbox_message" ("id", "endpointId", "provider", "eventId", "eventType")
         SELECT id, "endpointId", provider, "eventId", "eventType" FROM batch
         ON CONFLICT ("endpointId", "eventId") DO NOTHING
         RETURNING "id"
       )
       INSERT INTO "outbox_message" ("id", "topic", "type", "body", "headers")
       SELECT b.id, b.topic, b.type, b.body, b.headers FROM batch b JOIN inbox i ON i.id = b.id
       RETURNING "id"::text AS id`,
      [JSON.stringify(entries)],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * True when `error` was caused by one entry's data (e.g. a `\u0000` in a JSON string, which jsonb refuses):
   * the caller retries the entries one by one to find it, instead of failing everyone in the batch.
   */
  static isDataError(error: unknown): boolean {
    const code = sqlState(error);
    return code !== undefined && DATA_ERROR.test(code);
  }

  findByEvent(endpointId: string, eventId: string) {
    return this.prisma.inboxMessage.findUnique({ where: { endpointId_eventId: { endpointId, eventId } } });
  }
}

/** The Postgres SQLSTATE behind a Prisma/adapter-pg error, wherever the adapter put it. */
function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const e = current as { code?: unknown; originalCode?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } }; cause?: unknown };
    for (const candidate of [e.originalCode, e.meta?.driverAdapterError?.cause?.originalCode, e.code]) {
      if (typeof candidate === 'string' && /^[0-9A-Z]{5}$/.test(candidate)) return candidate;
    }
    current = e.meta?.driverAdapterError?.cause ?? e.cause;
  }
  return undefined;
}
