import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { PrismaService, type Tx } from '../prisma/prisma.service';
import type { NewOutboxRow, OutboxRow, ParkRow, RelayOptions } from './outbox.types';

const LAST_ERROR_MAX = 2_000;

@Injectable()
export class OutboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Writes rows in the caller's transaction: they become visible to the relay only if it commits. */
  async enqueue(tx: Tx, rows: NewOutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.outboxMessage.createMany({
      data: rows.map((row) => ({
        id: row.id,
        topic: row.topic,
        type: row.type,
        sessionId: row.sessionId ?? null,
        body: JSON.stringify(row.body),
        headers: row.headers ?? {},
        ...(row.availableAt ? { availableAt: row.availableAt } : {}),
      })),
    });
  }

  /**
   * Claims up to `limit` due rows (oldest first), awaits `publish`, deletes them — all in one transaction.
   * Rows whose id is in `skip` are left alone (the caller is relaying them with `relayCommitted`).
   *
   * `FOR UPDATE SKIP LOCKED` lets several relays run side by side: a row claimed by one is invisible to the
   * others until that transaction ends, so no row is published by two relays at once. If `publish` throws the
   * claim rolls back (rows stay pending for the next tick), the error is recorded on the rows (`lastError`, not
   * `attempts`: whether the failure is the row's or the broker's is the caller's call, see `countFailures`) in a
   * separate statement, and the error is rethrown. A crash after the broker accepted but before commit re-publishes the
   * rows: delivery is at-least-once, and consumers deduplicate on the message id (= row id).
   */
  relayBatch(limit: number, publish: (rows: OutboxRow[]) => Promise<void>, options: RelayOptions & { skip?: readonly string[] } = {}): Promise<number> {
    return this.relayInTransaction(
      async (client) =>
        (
          await client.query<OutboxRow>({
            name: 'junction-outbox-claim',
            // Claim and delete in one statement (one round trip); the subquery's row locks keep concurrent
            // relays apart. The delete only counts once this transaction commits, i.e. after the broker
            // accepted. Deleting rather than marking the row writes no new row version (a relayed 1.3 KB webhook
            // row cost 1.3 KB of WAL and an index entry to mark), and the table holds only what is still owed:
            // no retention job. Ordered here, not in JS: the timestamps need not travel or be parsed.
            text: `WITH claimed AS (
               DELETE FROM "outbox_message" AS o
               USING (
                 SELECT "id" FROM "outbox_message"
                 WHERE "availableAt" <= now() AND "id" <> ALL($2::uuid[])
                 ORDER BY "createdAt", "id"
                 LIMIT $1
                 FOR UPDATE SKIP LOCKED
               ) AS due
               WHERE o."id" = due."id"
               RETURNING o."id", o."topic", o."type", o."sessionId", o."body", o."headers", o."createdAt", o."attempts"
             )
             SELECT "id", "topic", "type", "sessionId", "body", "headers", "attempts" FROM claimed ORDER BY "createdAt", "id"`,
            values: [limit, options.skip ?? []],
          })
        ).rows,
      publish,
      options,
    );
  }

  /**
   * Relays rows the caller committed a moment ago and still holds: deletes those of `rows` that are still in the
   * outbox, awaits `publish` with them, commits — the same transaction as `relayBatch`, without reading the rows
   * back (for a webhook, its ~1.3 KB body). A row that another relay has claimed is waited for and then found
   * gone, so each row is published only by the transaction that deleted it.
   */
  relayCommitted<T extends { id: string }>(rows: readonly T[], publish: (rows: T[]) => Promise<void>, options: RelayOptions = {}): Promise<number> {
    return this.relayInTransaction(
      async (client) => {
        const { rows: deleted } = await client.query<{ id: string }>({
          name: 'junction-outbox-delete-committed',
          text: 'DELETE FROM "outbox_message" WHERE "id" = ANY($1::uuid[]) RETURNING "id"::text AS id',
          values: [rows.map((row) => row.id)],
        });
        if (deleted.length === rows.length) return [...rows];
        const gone = new Set(deleted.map((row) => row.id));
        return rows.filter((row) => gone.has(row.id));
      },
      publish,
      options,
    );
  }

  /** Takes rows out of the outbox with `claim`, publishes them, commits; on a failure the rows stay, failure recorded. */
  private async relayInTransaction<T extends { id: string }>(
    claim: (client: PoolClient) => Promise<T[]>,
    publish: (rows: T[]) => Promise<void>,
    options: RelayOptions,
  ): Promise<number> {
    // On a pooled pg client rather than a Prisma interactive transaction: the relay runs for every committed
    // batch of every app, and Prisma's per-statement cost was a visible share of bench:ingress.
    const client = await this.prisma.pool.connect();
    let claimed: T[] = [];
    try {
      // The delete need not wait for its WAL flush: a delete lost with a database crash only makes the relay
      // publish those rows again, which consumers already absorb (at-least-once, deduplicated on the message id).
      // Not waiting frees the flush for the transactions that do wait, such as the webhook inbox's (bench:ingress p99).
      await client.query('BEGIN; SET LOCAL synchronous_commit = off');
      claimed = await claim(client);
      if (claimed.length > 0) await withTimeout(publish(claimed), options.timeoutMs ?? 30_000);
      await client.query('COMMIT');
      client.release();
      return claimed.length;
    } catch (error: unknown) {
      // The claim rolls back with the connection: a client in an unknown state is discarded, not reused.
      client.release(true);
      if (claimed.length > 0) {
        await this.recordFailure(claimed, error).catch((recordError: unknown) => {
          throw new AggregateError([error, recordError], 'outbox relay failed, and recording the failure failed too');
        });
      }
      throw error;
    }
  }

  /** Rows not yet published (including those scheduled for later). */
  pendingCount(): Promise<number> {
    return this.prisma.outboxMessage.count();
  }

  /**
   * Counts a failure against rows still in the outbox: `attempts` + 1, `lastError`, and not due again for `retryInMs`
   * (so the rest of the outbox flows meanwhile). Only for failures attributable to these rows, not a broker outage.
   * Returns each row's attempts so far; a row another relay published meanwhile is not in the answer.
   */
  async countFailures(ids: readonly string[], error: unknown, retryInMs: number): Promise<Array<{ id: string; attempts: number }>> {
    if (ids.length === 0) return [];
    const { rows } = await this.prisma.pool.query<{ id: string; attempts: number }>(
      `UPDATE "outbox_message" SET "attempts" = "attempts" + 1, "lastError" = $2, "availableAt" = now() + $3 * interval '1 millisecond'
       WHERE "id" = ANY($1::uuid[]) RETURNING "id"::text AS id, "attempts"`,
      [ids, errorText(error), Math.max(0, Math.round(retryInMs))],
    );
    return rows;
  }

  /**
   * Moves rows out of the outbox into `outbox_parked`, whole (same id, body, headers, timestamps, attempts), with
   * the reason: in one statement, so a row is either still owed or parked, never lost or both. Returns the ids
   * moved; a row another relay published meanwhile is not among them. A message already parked under the same id
   * (producers with derived ids, e.g. routed commands, may write it again) is replaced by this copy.
   */
  async park(rows: readonly ParkRow[]): Promise<string[]> {
    if (rows.length === 0) return [];
    const { rows: moved } = await this.prisma.pool.query<{ id: string }>(
      `WITH reasons AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) AS r("id", "reason", "description")
       ), moved AS (
         DELETE FROM "outbox_message" AS o USING reasons AS r WHERE o."id" = r."id"
         RETURNING o."id", o."topic", o."type", o."sessionId", o."body", o."headers", o."availableAt", o."createdAt", o."attempts", r."reason", r."description"
       )
       INSERT INTO "outbox_parked" ("id", "topic", "type", "sessionId", "body", "headers", "availableAt", "createdAt", "attempts", "reason", "description")
       SELECT "id", "topic", "type", "sessionId", "body", "headers", "availableAt", "createdAt", "attempts", "reason", "description" FROM moved
       ON CONFLICT ("id") DO UPDATE SET
         "topic" = EXCLUDED."topic", "type" = EXCLUDED."type", "sessionId" = EXCLUDED."sessionId", "body" = EXCLUDED."body",
         "headers" = EXCLUDED."headers", "availableAt" = EXCLUDED."availableAt", "createdAt" = EXCLUDED."createdAt",
         "attempts" = EXCLUDED."attempts", "reason" = EXCLUDED."reason", "description" = EXCLUDED."description", "parkedAt" = now()
       RETURNING "id"::text AS id`,
      [rows.map((row) => row.id), rows.map((row) => row.reason), rows.map((row) => row.description.slice(0, LAST_ERROR_MAX))],
    );
    return moved.map((row) => row.id);
  }

  /** Records why the rows could not be published, without counting it against them (see `countFailures`). */
  private async recordFailure(rows: readonly { id: string }[], error: unknown): Promise<void> {
    await this.prisma.outboxMessage.updateMany({ where: { id: { in: rows.map((row) => row.id) } }, data: { lastError: errorText(error) } });
  }
}

function errorText(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, LAST_ERROR_MAX);
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`publishing the claimed outbox rows took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
