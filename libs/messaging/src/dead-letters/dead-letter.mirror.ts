import type { DeadLetterRepository } from '@junction/persistence';
import type { DeliveredMessage } from '../bus/message-bus.port';
import type { DeadLetterSettlement } from '../nest/message-dispatcher';

/** Copies a dead letter into Postgres so operators can list and inspect it on any broker. */
export function deadLetterMirror(repository: DeadLetterRepository) {
  return async (delivery: DeliveredMessage, settlement: DeadLetterSettlement): Promise<void> => {
    await repository.record({
      messageId: delivery.messageId,
      topic: delivery.topic,
      subscription: delivery.subscription,
      type: delivery.type,
      reason: settlement.reason,
      description: settlement.description,
      deliveryCount: delivery.deliveryCount,
      rawBody: delivery.rawBody,
      headers: { ...delivery.headers },
    });
  };
}
