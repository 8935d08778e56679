import { Injectable } from '@nestjs/common';
import type { Tx } from '../prisma/prisma.service';

/** Idempotent-consumer guard. */
@Injectable()
export class ProcessedMessageRepository {
  /**
   * Records that `consumer` handled `messageId`; true only for the first call that commits. Call it inside the
   * transaction that applies the message's effects: if that transaction rolls back, the mark goes with it and
   * the redelivery is processed. A concurrent duplicate blocks on the insert until the first one commits or
   * rolls back, then gets the right answer.
   */
  async tryRecord(tx: Tx, consumer: string, messageId: string): Promise<boolean> {
    const inserted = await tx.$executeRaw`
      INSERT INTO "processed_message" ("consumer", "messageId") VALUES (${consumer}, ${messageId}::uuid)
      ON CONFLICT DO NOTHING`;
    return inserted === 1;
  }

  /**
   * tryRecord for a batch: the ids (lower-case) that were not yet recorded for `consumer`, now recorded in `tx`. Rows
   * are inserted in id order, so two batches sharing ids cannot deadlock on each other.
   */
  async tryRecordMany(tx: Tx, consumer: string, messageIds: readonly string[]): Promise<Set<string>> {
    const ids = [...new Set(messageIds.map((id) => id.toLowerCase()))].sort();
    const marked = await tx.$queryRawUnsafe<{ messageId: string }[]>(
      `INSERT INTO "processed_message" ("consumer", "messageId")
       SELECT $1, id FROM unnest($2::uuid[]) AS id ORDER BY id
       ON CONFLICT DO NOTHING RETURNING "messageId"::text AS "messageId"`,
      consumer,
      ids,
    );
    return new Set(marked.map((m) => m.messageId.toLowerCase()));
  }
}
