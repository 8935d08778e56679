import type { ServiceBusMessage, ServiceBusSender } from '@azure/service-bus';
import { PermanentPublishError } from '../../bus/message-bus.port';

/**
 * Sends messages in publish order with as few round trips as the batch size allows, starting a new batch
 * whenever one is full. Resolves once the SDK resolved every send: the broker has the messages. A failure
 * part-way leaves earlier batches sent; the caller (the outbox relay) publishes again and the idempotent
 * consumer absorbs the duplicates.
 */
export async function sendInBatches(sender: ServiceBusSender, messages: readonly ServiceBusMessage[]): Promise<void> {
  let batch = await sender.createMessageBatch();
  for (const message of messages) {
    if (batch.tryAddMessage(message)) continue;
    if (batch.count === 0) throw tooLarge(message, batch.maxSizeInBytes);
    await sender.sendMessages(batch);
    batch = await sender.createMessageBatch();
    if (!batch.tryAddMessage(message)) throw tooLarge(message, batch.maxSizeInBytes);
  }
  if (batch.count > 0) await sender.sendMessages(batch);
}

/** The SDK's own measure (system properties and AMQP framing included) has the last word on size. */
function tooLarge(message: ServiceBusMessage, maxSizeInBytes: number): Error {
  const id = String(message.messageId);
  return new PermanentPublishError('MESSAGE_TOO_LARGE', id, `message ${id} does not fit in a Service Bus batch of ${maxSizeInBytes} bytes`);
}

/**
 * Batches never mix sessions: a partitioned entity rejects a batch whose messages have different session ids
 * (partition keys). Order is kept within each (topic, session) group, which is the only order we promise.
 */
export function groupForBatches<T extends { readonly topic: string; readonly sessionId?: string }>(messages: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const m of messages) {
    const key = JSON.stringify([m.topic, m.sessionId ?? null]);
    const group = groups.get(key);
    if (group) group.push(m);
    else groups.set(key, [m]);
  }
  return [...groups.values()];
}
