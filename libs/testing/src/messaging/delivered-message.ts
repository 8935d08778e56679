import type { AnyMessage } from '@junction/contracts';
import type { DeliveredMessage } from '@junction/messaging';

/** `message` as a transport hands it to a consumer, for dispatching it without a broker (MessageDispatcher). */
export function deliveredMessage(message: AnyMessage, route: { topic: string; subscription: string }, deliveryCount = 1): DeliveredMessage {
  const rawBody = JSON.stringify(message);
  return { messageId: message.id, type: message.type, ...route, body: JSON.parse(rawBody) as unknown, rawBody, deliveryCount, headers: {}, enqueuedAt: new Date() };
}
