import type { Message, MessagePropertyHeaders, Options, XDeath } from 'amqplib';
import { ErrorCodes } from '@junction/contracts';
import { bodyJson, type DeadLetteredMessage, type DeliveredMessage, type OutgoingMessage } from '../../bus/message-bus.port';
import { BusHeaders } from '../../bus/settlement';
import { RabbitHeaders } from './rabbitmq.names';

/** Header values are AMQP table entries; a long dead-letter description must not overflow the frame. */
const MAX_HEADER_CHARS = 4_000;

/** Headers the broker or this transport add; everything else is the application's and is handed over. */
function isTransportHeader(key: string): boolean {
  return (
    key.startsWith('x-junction-') ||
    key === RabbitHeaders.routingType ||
    key === 'x-death' ||
    key === 'x-delivery-count' ||
    key.startsWith('x-first-death-') ||
    key.startsWith('x-last-death-')
  );
}

export interface EncodedMessage {
  readonly content: Buffer;
  readonly options: Options.Publish;
}

export function encodeOutgoing(m: OutgoingMessage, now = Date.now()): EncodedMessage {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(m.headers ?? {})) if (!isTransportHeader(key)) headers[key] = value;
  headers[BusHeaders.type] = m.type;
  headers[RabbitHeaders.routingType] = m.type;
  headers[BusHeaders.deliveryCount] = '0';
  headers[RabbitHeaders.enqueuedAt] = String(now);
  if (m.sessionId !== undefined) headers[RabbitHeaders.sessionId] = m.sessionId;
  if (m.scheduledAt) headers[RabbitHeaders.notBefore] = String(m.scheduledAt.getTime());
  return {
    content: Buffer.from(bodyJson(m.body), 'utf8'),
    options: {
      persistent: true,
      messageId: m.messageId,
      type: m.type,
      contentType: 'application/json',
      timestamp: Math.floor(now / 1000),
      headers,
    },
  };
}

/**
 * A copy of a delivered message to publish again (retry, redelay, dead-letter): same bytes, id, type,
 * session and application headers, with `previousDeliveries` recorded so the next delivery counts on.
 */
export function encodeCopy(msg: Message, previousDeliveries: number, extra: Record<string, string> = {}): EncodedMessage {
  const source = msg.properties.headers ?? {};
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (isTransportHeader(key)) continue;
    const text = headerText(value);
    if (text !== undefined) headers[key] = text;
  }
  for (const key of [BusHeaders.type, RabbitHeaders.routingType, RabbitHeaders.sessionId, RabbitHeaders.enqueuedAt]) {
    const text = headerText(source[key]);
    if (text !== undefined) headers[key] = text;
  }
  headers[BusHeaders.deliveryCount] = String(previousDeliveries);
  for (const [key, value] of Object.entries(extra)) headers[key] = value.slice(0, MAX_HEADER_CHARS);
  return {
    content: msg.content,
    options: {
      persistent: true,
      messageId: headerText(msg.properties.messageId),
      type: headerText(msg.properties.type),
      contentType: headerText(msg.properties.contentType),
      timestamp: typeof msg.properties.timestamp === 'number' ? msg.properties.timestamp : undefined,
      headers,
    },
  };
}

/**
 * Deliveries so far = the count we carried in the header (republished retries) + this delivery + the
 * broker's own returns of this copy (quorum queues add `x-delivery-count` when a message comes back after a
 * nack, a channel or a connection loss; other queue types only flag `redelivered`).
 */
export function deliveryCountOf(msg: Message): number {
  const headers = msg.properties.headers ?? {};
  const ours = headerInt(headers[BusHeaders.deliveryCount]) ?? 0;
  const returns = headerInt(headers['x-delivery-count']) ?? (msg.fields.redelivered ? 1 : 0);
  return ours + 1 + returns;
}

export function decodeDelivery(msg: Message, topic: string, subscription: string): DeliveredMessage {
  const headers = msg.properties.headers ?? {};
  const rawBody = msg.content.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    body = undefined;
  }
  const enqueuedMs = headerInt(headers[RabbitHeaders.enqueuedAt]) ?? (typeof msg.properties.timestamp === 'number' ? msg.properties.timestamp * 1000 : Date.now());
  return {
    messageId: headerText(msg.properties.messageId) ?? '',
    type: headerText(headers[BusHeaders.type]) ?? headerText(headers[RabbitHeaders.routingType]) ?? headerText(msg.properties.type) ?? '',
    topic,
    subscription,
    body,
    rawBody,
    deliveryCount: deliveryCountOf(msg),
    sessionId: headerText(headers[RabbitHeaders.sessionId]),
    headers: applicationHeaders(headers),
    enqueuedAt: new Date(enqueuedMs),
  };
}

export function notBeforeOf(msg: Message): number | undefined {
  return headerInt(msg.properties.headers?.[RabbitHeaders.notBefore]);
}

export function sessionIdOf(msg: Message): string | undefined {
  return headerText(msg.properties.headers?.[RabbitHeaders.sessionId]);
}

/**
 * A DLQ message as the port describes it. Ours carry reason and description headers and the deliveries
 * they had; the broker's own (delivery limit reached: a crash loop) only carry `x-death`.
 */
export function decodeDeadLetter(msg: Message, topic: string, subscription: string, queue: string): DeadLetteredMessage {
  const headers = msg.properties.headers ?? {};
  const delivered = decodeDelivery(msg, topic, subscription);
  const reason = headerText(headers[BusHeaders.deadLetterReason]);
  if (reason !== undefined) {
    return {
      ...delivered,
      deliveryCount: headerInt(headers[BusHeaders.deliveryCount]) ?? delivered.deliveryCount,
      reason,
      description: headerText(headers[BusHeaders.deadLetterDescription]) ?? '',
    };
  }
  const deaths = Array.isArray(headers['x-death']) ? (headers['x-death'] as XDeath[]) : [];
  const death = deaths.find((d) => d.queue === queue && String(d.reason) !== 'expired');
  const brokerReason = death ? String(death.reason) : (headerText(headers['x-first-death-reason']) ?? 'unknown');
  return {
    ...delivered,
    reason: brokerReason === 'delivery_limit' ? ErrorCodes.maxDeliveriesExceeded : ErrorCodes.internal,
    description:
      brokerReason === 'delivery_limit'
        ? `RabbitMQ dead-lettered it from ${queue}: x-delivery-limit reached (returned un-acked too often; a crash loop?)`
        : `RabbitMQ dead-lettered it from ${death?.queue ?? queue}: ${brokerReason}`,
  };
}

function applicationHeaders(headers: MessagePropertyHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (isTransportHeader(key)) continue;
    const text = headerText(value);
    if (text !== undefined) out[key] = text;
  }
  return out;
}

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return undefined;
}

function headerInt(value: unknown): number | undefined {
  const text = headerText(value);
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}
