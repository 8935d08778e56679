import { ErrorCodes, parseMessage, type AnyMessage } from '@junction/contracts';
import { runWithLogContext, withConsumerSpan } from '@junction/telemetry';
import type { DeliveredMessage, Settlement, TransportName } from '../bus/message-bus.port';
import { messagingAttributes } from '../publishing/outgoing-message';
import { complete, finalSettlement } from '../bus/settlement';
import { defaultRetryPolicy, type RetryPolicyOptions } from '../policy/retry.policy';
import { settlementForFailure } from '../policy/settlement.policy';

export type TypedHandler = (message: AnyMessage, delivery: DeliveredMessage) => Promise<unknown>;
export type DeadLetterSettlement = Extract<Settlement, { action: 'dead-letter' }>;

export interface DispatcherLogger {
  log(message: string, ...params: unknown[]): void;
  warn(message: string, ...params: unknown[]): void;
  error(message: string, ...params: unknown[]): void;
}

export interface DispatcherOptions {
  maxDeliveryCount: number;
  retryPolicy?: RetryPolicyOptions;
  /** Mirrors a dead letter where operators can list it (Postgres). Failure here never blocks settlement. */
  onDeadLetter?: (delivery: DeliveredMessage, settlement: DeadLetterSettlement) => Promise<void>;
  logger: DispatcherLogger;
  /** The bus's transport, for the consumer span's `messaging.system`. */
  transport?: TransportName;
}

/**
 * Turns one delivery into one settlement: validate the envelope (safeParse; invalid → dead-letter at once,
 * never retried), find the handler, run it inside the producer's trace and the message's log context, and
 * map its outcome through the settlement policy. Never throws: a consumer must not crash on any input.
 */
export class MessageDispatcher {
  constructor(
    private readonly handlerFor: (type: string) => TypedHandler | undefined,
    private readonly options: DispatcherOptions,
  ) {}

  async dispatch(delivery: DeliveredMessage): Promise<Settlement> {
    const settlement = finalSettlement(await this.decide(delivery), delivery.deliveryCount, this.options.maxDeliveryCount);
    if (settlement.action === 'dead-letter') await this.deadLettered(delivery, settlement);
    return settlement;
  }

  private async decide(delivery: DeliveredMessage): Promise<Settlement> {
    if (delivery.body === undefined) {
      return { action: 'dead-letter', reason: ErrorCodes.malformedMessage, description: 'body is not valid JSON' };
    }
    const parsed = parseMessage(delivery.body);
    if (!parsed.ok) return { action: 'dead-letter', reason: parsed.code, description: parsed.reason };
    const message = parsed.message;
    const handler = this.handlerFor(message.type);
    if (!handler) {
      return { action: 'dead-letter', reason: ErrorCodes.noHandler, description: `no handler for ${message.type} on ${delivery.subscription}` };
    }
    const attributes = {
      ...messagingAttributes('process', this.options.transport, delivery.topic, message.id),
      'messaging.consumer.group.name': delivery.subscription,
      'messaging.message.conversation_id': message.correlationId,
      'junction.message.type': message.type,
      'junction.delivery_count': delivery.deliveryCount,
    };
    return runWithLogContext({ app: delivery.subscription, correlationId: message.correlationId, messageId: message.id, messageType: message.type }, () =>
      withConsumerSpan(`${delivery.topic} process`, delivery.headers, attributes, async () => {
        try {
          await handler(message, delivery);
          return complete;
        } catch (error) {
          const settlement = settlementForFailure(error, delivery.deliveryCount, this.options.retryPolicy ?? defaultRetryPolicy);
          this.options.logger.warn(
            `${message.type} ${message.id} failed on delivery ${delivery.deliveryCount}: ${settlement.action} (${'reason' in settlement ? settlement.reason : ''})`,
          );
          return settlement;
        }
      }),
    );
  }

  private async deadLettered(delivery: DeliveredMessage, settlement: DeadLetterSettlement): Promise<void> {
    this.options.logger.error(
      `dead-lettered ${delivery.type} ${delivery.messageId} from ${delivery.topic}/${delivery.subscription}: ${settlement.reason}: ${settlement.description}`,
    );
    try {
      await this.options.onDeadLetter?.(delivery, settlement);
    } catch (error) {
      // The broker's dead-letter queue still holds the message; the mirror is for convenience.
      this.options.logger.warn(`could not mirror dead letter ${delivery.messageId}: ${(error as Error).message}`);
    }
  }
}
