import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';
import type { ParkedRowView } from './outbox.types';

/**
 * The outbox rows the relay moved aside (`OutboxRepository.park`), for operators: list them, and redrive them
 * once the cause is fixed (a larger `BUS_MAX_MESSAGE_BYTES`, a topic created). A redriven row goes back into
 * `outbox_message` with the same id, so consumers that already handled it (a publish the broker accepted just
 * before a failure) still deduplicate it.
 */
@Injectable()
export class OutboxParkedRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Oldest parked first; without bodies. */
  list(limit: number): Promise<ParkedRowView[]> {
    return this.prisma.outboxParked.findMany({
      select: { id: true, topic: true, type: true, sessionId: true, reason: true, description: true, attempts: true, createdAt: true, parkedAt: true },
      orderBy: [{ parkedAt: 'asc' }, { id: 'asc' }],
      take: limit,
    });
  }

  count(): Promise<number> {
    return this.prisma.outboxParked.count();
  }

  /**
   * Moves the parked rows `ids` (or all of them) back into the outbox, in one statement: due now, attempts reset,
   * their original `createdAt` kept (the relay takes them before newer rows). Returns the ids moved; an id that is
   * not parked is not among them. When the outbox already holds a message with the same id again (a producer wrote
   * it anew), that copy stays and the parked one is dropped: it is the same message, and it is owed once.
   */
  async redrive(ids: readonly string[] | 'all'): Promise<string[]> {
    const { rows } = await this.prisma.pool.query<{ id: string }>(
      `WITH moved AS (
         DELETE FROM "outbox_parked" WHERE $1::uuid[] IS NULL OR "id" = ANY($1::uuid[])
         RETURNING "id", "topic", "type", "sessionId", "body", "headers", "createdAt"
       ), inserted AS (
         INSERT INTO "outbox_message" ("id", "topic", "type", "sessionId", "body", "headers", "availableAt", "createdAt", "attempts")
         SELECT "id", "topic", "type", "sessionId", "body", "headers", now(), "createdAt", 0 FROM moved
         ON CONFLICT ("id") DO NOTHING
       )
       SELECT "id"::text AS id FROM moved`,
      [ids === 'all' ? null : ids],
    );
    return rows.map((row) => row.id);
  }
}
