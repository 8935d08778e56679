import { Injectable } from '@nestjs/common';
import type { AnyMessage } from '@junction/contracts';
import { MessagePublisher } from '@junction/messaging';
import { PrismaService, ProcessedMessageRepository } from '@junction/persistence';

/** The ledger of commands batch runs have published (processed_message rows under this consumer name). Stored: keep it. */
export const BATCH_COMMANDS_LEDGER = 'batch-scheduler:commands';

export interface PublishOutcome {
  /** Written to the outbox now. */
  readonly published: number;
  /** Already published by an earlier attempt of the run (same deterministic id): not written again. */
  readonly duplicates: number;
}

/**
 * A batch's commands into the transactional outbox, at most once per id: one transaction records each id in the batch
 * ledger and writes to the outbox only the ids recorded for the first time. The ledger outlives the outbox row (deleted
 * once relayed), so a run resumed after a crash — which redoes the rows after its last checkpoint — finds the rows it
 * had already published and publishes none of them twice, however long ago they were relayed.
 */
@Injectable()
export class BatchCommandsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly processed: ProcessedMessageRepository,
    private readonly publisher: MessagePublisher,
  ) {}

  async publishOnce(messages: readonly AnyMessage[]): Promise<PublishOutcome> {
    if (messages.length === 0) return { published: 0, duplicates: 0 };
    const fresh = await this.prisma.transaction(async (tx) => {
      const recorded = await this.processed.tryRecordMany(tx, BATCH_COMMANDS_LEDGER, messages.map((m) => m.id));
      const toWrite = messages.filter((m) => recorded.has(m.id.toLowerCase()));
      await this.publisher.enqueue(tx, toWrite);
      return toWrite.length;
    });
    if (fresh > 0) this.publisher.wake();
    return { published: fresh, duplicates: messages.length - fresh };
  }
}
