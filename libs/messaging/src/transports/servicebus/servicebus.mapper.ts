import { randomUUID } from 'node:crypto';
import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import { bodyJson, type DeadLetteredMessage, type DeliveredMessage, type OutgoingMessage, REDRIVE_COUNT_HEADER } from '../../bus/message-bus.port';
import { BusHeaders } from '../../bus/settlement';

/**
 * A retry is a scheduled copy of the message (Service Bus's abandon cannot delay). The copy gets its own
 * broker messageId so that a topic with duplicate detection does not swallow it, deterministic per attempt so
 * that a crash between "schedule the copy" and "complete the original" is absorbed there; the envelope id
 * travels in this property and is what consumers see as `messageId`.
 */
export const originalMessageIdHeader = 'x-junction-message-id';

/** Junction's own metadata: carried in application properties, never shown to handlers as headers. */
const internalHeaders = new Set<string>([BusHeaders.deliveryCount, BusHeaders.type, originalMessageIdHeader]);

/** Subject of a retry copy: only the subscription that retries has a correlation rule matching it. */
export function retrySubject(subscription: string): string {
  return `retry:${subscription}`;
}

/**
 * The body goes as the JSON text's bytes (an AMQP data section), never parsed and serialized again: a parse
 * would round integers past 2^53 in a stored webhook payload. Receivers skip the SDK's JSON parsing and decode
 * the bytes themselves (decodeBody).
 */
export function toServiceBusMessage(m: OutgoingMessage): ServiceBusMessage {
  const message: ServiceBusMessage = {
    messageId: m.messageId,
    subject: m.type,
    contentType: 'application/json',
    body: Buffer.from(bodyJson(m.body), 'utf8'),
    applicationProperties: { ...m.headers, [BusHeaders.type]: m.type },
  };
  // A redrive republishes the envelope id, often within the topic's duplicate-detection window of the first send:
  // Service Bus would drop it without a word. Like a retry copy, it gets a broker id of its own (unique per redrive:
  // an operator may redrive the same row twice) and carries the envelope id, which consumers keep seeing.
  if (m.headers?.[REDRIVE_COUNT_HEADER] !== undefined) {
    message.messageId = `${m.messageId}:redrive:${m.headers[REDRIVE_COUNT_HEADER]}:${randomUUID()}`.slice(0, 128);
    message.applicationProperties![originalMessageIdHeader] = m.messageId;
  }
  if (m.sessionId !== undefined) message.sessionId = m.sessionId;
  if (m.scheduledAt !== undefined) message.scheduledEnqueueTimeUtc = m.scheduledAt;
  const correlationId = m.headers?.[correlationIdHeader] ?? envelopeCorrelationId(m.body);
  if (correlationId) message.correlationId = correlationId;
  return message;
}

/** Set by toOutgoing on every envelope Junction publishes (and so on every outbox row). */
const correlationIdHeader = 'x-correlation-id';

/**
 * The copy scheduled for a retry: same body bytes, headers and session; `subject` routes it back to one
 * subscription only; `nextDeliveryCount` is the count its first broker delivery will show.
 */
export function toRetryCopy(received: ServiceBusReceivedMessage, subscription: string, nextDeliveryCount: number): ServiceBusMessage {
  const messageId = originalMessageId(received);
  const copy: ServiceBusMessage = {
    messageId: `${messageId}:retry:${subscription}:${nextDeliveryCount}`.slice(0, 128),
    subject: retrySubject(subscription),
    contentType: received.contentType ?? 'application/json',
    body: received.body,
    applicationProperties: {
      ...received.applicationProperties,
      [BusHeaders.type]: typeOf(received),
      [BusHeaders.deliveryCount]: String(nextDeliveryCount),
      [originalMessageIdHeader]: messageId,
    },
  };
  if (received.sessionId !== undefined) copy.sessionId = received.sessionId;
  if (received.correlationId !== undefined) copy.correlationId = received.correlationId;
  return copy;
}

export function toDelivered(received: ServiceBusReceivedMessage, topic: string, subscription: string): DeliveredMessage {
  const { body, rawBody } = decodeBody(received.body);
  return {
    messageId: originalMessageId(received),
    type: typeOf(received),
    topic,
    subscription,
    body,
    rawBody,
    deliveryCount: deliveryCountOf(received),
    sessionId: received.sessionId,
    headers: headersOf(received),
    enqueuedAt: received.enqueuedTimeUtc ?? new Date(),
  };
}

export function toDeadLettered(received: ServiceBusReceivedMessage, topic: string, subscription: string): DeadLetteredMessage {
  return {
    ...toDelivered(received, topic, subscription),
    reason: received.deadLetterReason ?? 'UNKNOWN',
    description: received.deadLetterErrorDescription ?? '',
  };
}

/**
 * Delivery count as handlers see it (1 on the first delivery). Our property says which delivery the copy's
 * first broker delivery is (absent on an original: 1); the SDK's `deliveryCount` is AMQP's count of *prior*
 * failed broker deliveries (0 on the first receive in the JS SDK, unlike .NET's 1-based value), so lock
 * expiries and abandons add to it.
 */
export function deliveryCountOf(received: ServiceBusReceivedMessage): number {
  const carried = Number(received.applicationProperties?.[BusHeaders.deliveryCount]);
  const base = Number.isInteger(carried) && carried >= 1 ? carried : 1;
  return base + (received.deliveryCount ?? 0);
}

export function typeOf(received: ServiceBusReceivedMessage): string {
  const carried = received.applicationProperties?.[BusHeaders.type];
  return typeof carried === 'string' ? carried : (received.subject ?? '');
}

function originalMessageId(received: ServiceBusReceivedMessage): string {
  const carried = received.applicationProperties?.[originalMessageIdHeader];
  if (typeof carried === 'string') return carried;
  const id = received.messageId;
  return Buffer.isBuffer(id) ? id.toString('utf8') : String(id ?? '');
}

function headersOf(received: ServiceBusReceivedMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(received.applicationProperties ?? {})) {
    if (internalHeaders.has(key) || value === null || value === undefined) continue;
    headers[key] = value instanceof Date ? value.toISOString() : String(value);
  }
  return headers;
}

/**
 * Receivers are created with `skipParsingBodyAsJson`, so a data section arrives as bytes and we parse it
 * ourselves: bytes that are not JSON give `body: undefined` and their text, and the handler decides
 * (dead-letters). A value section (another producer's AMQP value) arrives already decoded.
 */
export function decodeBody(raw: unknown): { body: unknown; rawBody: string } {
  if (raw === undefined || raw === null) return { body: undefined, rawBody: '' };
  if (Buffer.isBuffer(raw) || raw instanceof Uint8Array) return parse(Buffer.from(raw).toString('utf8'));
  if (typeof raw === 'string') return parse(raw);
  try {
    return { body: raw, rawBody: JSON.stringify(raw) };
  } catch {
    return { body: undefined, rawBody: String(raw) };
  }
}

function parse(text: string): { body: unknown; rawBody: string } {
  try {
    return { body: JSON.parse(text), rawBody: text };
  } catch {
    return { body: undefined, rawBody: text };
  }
}

/** A body handed over as a value (not JSON text) may carry the envelope's correlation id itself. */
function envelopeCorrelationId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || body instanceof Uint8Array) return undefined;
  const value = (body as { correlationId?: unknown }).correlationId;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
