import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, ProcessedMessageRepository, type Tx } from '@junction/persistence';
import { MESSAGING_OPTIONS } from '../messaging.tokens';
import type { MessagingModuleOptions } from '../messaging.module';
import { OutboxRelay } from '../outbox/outbox.relay';

export type IdempotentResult<T> = { duplicate: true } | { duplicate: false; result: T };

/**
 * Effectively-once handling: the (consumer, messageId) mark, the handler's own writes and its outbox rows
 * commit in ONE transaction. A redelivered message finds the mark and is acknowledged without effects; a
 * concurrent duplicate waits on the mark's row lock until the first commits. If the handler throws, the
 * mark rolls back with everything else and the redelivery runs again.
 *
 * The transaction stays open while the handler calls the provider. That holds a pooled connection for the
 * call's duration (bounded by `timeoutMs`), the price of never running the same command's effect twice at
 * once across replicas.
 */
@Injectable()
export class IdempotentConsumer {
  constructor(
    private readonly prisma: PrismaService,
    private readonly processed: ProcessedMessageRepository,
    private readonly relay: OutboxRelay,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
  ) {}

  async run<T>(messageId: string, handler: (tx: Tx) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<IdempotentResult<T>> {
    const outcome = await this.prisma.transaction(
      async (tx): Promise<IdempotentResult<T>> => {
        if (!(await this.processed.tryRecord(tx, this.options.consumer, messageId))) return { duplicate: true };
        return { duplicate: false, result: await handler(tx) };
      },
      { timeoutMs: options.timeoutMs ?? 60_000 },
    );
    if (!outcome.duplicate) this.relay.wake();
    return outcome;
  }
}
