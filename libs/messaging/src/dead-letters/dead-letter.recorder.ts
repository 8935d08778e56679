import { Inject, Injectable, Logger } from '@nestjs/common';
import { createReply, envelopeSchema, ErrorCodes, repliesOf, type AnyMessage, type CommandFailedPayload } from '@junction/contracts';
import { DeadLetterRepository, EffectLedgerRepository, PrismaService } from '@junction/persistence';
import type { DeliveredMessage } from '../bus/message-bus.port';
import type { MessagingModuleOptions } from '../messaging.module';
import { MESSAGING_OPTIONS } from '../messaging.tokens';
import type { DeadLetterSettlement } from '../nest/message-dispatcher';
import { OutboxRelay } from '../outbox/outbox.relay';
import { MessagePublisher } from '../publishing/message.publisher';

/** The effect-ledger operation that marks "this command's dead letter was answered". */
export const DEAD_LETTER_ANSWER_OPERATION = 'dead-letter.answer';

/** Stable codes of a dead-lettered command's `<type>.failed` answer (besides the reason's own code). */
export const DeadLetterCodes = {
  retriesExhausted: 'RETRIES_EXHAUSTED',
  authRejected: 'AUTH_REJECTED',
} as const;

/**
 * What a dead letter leaves behind, in one transaction: its mirror row (operators list and redrive from it on any
 * broker), and for a command defined with replies its `<type>.failed` answer (deadLettered: true), so an upstream
 * publisher never waits forever. The answer goes out once per command: an effect-ledger row keyed by the command
 * guards it, so a redriven command dead-lettered again is not answered twice.
 */
@Injectable()
export class DeadLetterRecorder {
  private readonly logger = new Logger(DeadLetterRecorder.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly deadLetters: DeadLetterRepository,
    private readonly ledger: EffectLedgerRepository,
    private readonly publisher: MessagePublisher,
    private readonly relay: OutboxRelay,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
  ) {}

  async record(delivery: DeliveredMessage, settlement: DeadLetterSettlement): Promise<void> {
    const answer = this.answerTo(delivery, settlement);
    const answered = await this.prisma.transaction(async (tx) => {
      await this.deadLetters.record(
        {
          messageId: delivery.messageId,
          topic: delivery.topic,
          subscription: delivery.subscription,
          type: delivery.type,
          reason: settlement.reason,
          description: settlement.description,
          deliveryCount: delivery.deliveryCount,
          rawBody: delivery.rawBody,
          headers: { ...delivery.headers },
        },
        tx,
      );
      if (!answer) return false;
      const { commandId, code, errorClass, message } = answer.payload;
      const first = await this.ledger.recordOnce(tx, {
        commandId,
        consumer: this.options.consumer,
        provider: 'junction',
        operation: DEAD_LETTER_ANSWER_OPERATION,
        naturalKey: commandId,
        outcome: 'failed',
        detail: { code, errorClass, message },
      });
      if (first) await this.publisher.enqueue(tx, [answer.message]);
      return first;
    });
    if (answered) {
      this.relay.wake();
      this.logger.warn(`answered dead-lettered ${delivery.type} ${delivery.messageId} with ${answer!.message.type} (${answer!.payload.code})`);
    }
  }

  /** The `<type>.failed` answer, when the dead letter is a command we can identify (id, tenant, a type with replies). */
  private answerTo(delivery: DeliveredMessage, settlement: DeadLetterSettlement): { message: AnyMessage; payload: CommandFailedPayload } | undefined {
    const envelope = envelopeSchema.safeParse(delivery.body);
    if (!envelope.success) return undefined;
    const replies = repliesOf(envelope.data.type);
    if (!replies) return undefined;
    const payload: CommandFailedPayload = {
      commandId: envelope.data.id,
      commandType: envelope.data.type,
      ...failureOf(settlement),
      message: settlement.description.slice(0, 2_000),
      deadLettered: true,
    };
    return { message: createReply(envelope.data, replies.failed, payload as never) as AnyMessage, payload };
  }
}

const invalidCommand = new Set<string>([ErrorCodes.validationFailed, ErrorCodes.unsupportedVersion, ErrorCodes.malformedMessage]);

function failureOf(settlement: DeadLetterSettlement): { code: string; errorClass: string } {
  const errorClass = settlement.errorClass;
  if (settlement.reason === ErrorCodes.maxDeliveriesExceeded) return { code: DeadLetterCodes.retriesExhausted, errorClass: errorClass ?? 'internal' };
  if (errorClass === 'auth' || errorClass === 'forbidden') return { code: DeadLetterCodes.authRejected, errorClass };
  if (invalidCommand.has(settlement.reason)) return { code: settlement.reason, errorClass: 'invalid' };
  return { code: settlement.reason, errorClass: errorClass ?? 'internal' };
}
