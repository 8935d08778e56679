import { parseMessage, routeOf, type AnyMessage } from '@junction/contracts';
import { traceHeaders } from '@junction/telemetry';
import type { OutgoingMessage, TransportName } from '../bus/message-bus.port';

/**
 * The one place an envelope becomes a broker message: topic and session from the contract, messageId =
 * envelope id, and the *current* trace context captured now (for the outbox that is the moment of the
 * business transaction, not of the later relay).
 */
export function toOutgoing(message: AnyMessage, options: { scheduledAt?: Date } = {}): OutgoingMessage {
  const { topic, sessionId } = routeOf(message);
  return {
    topic,
    messageId: message.id,
    type: message.type,
    body: message,
    sessionId,
    scheduledAt: options.scheduledAt,
    headers: { ...traceHeaders(), 'x-correlation-id': message.correlationId },
  };
}

/**
 * Producers validate too: a message built by hand (not through createMessage) is checked before it leaves.
 * Returns the parsed message (defaults applied).
 */
export function assertPublishable(message: unknown): AnyMessage {
  const parsed = parseMessage(message);
  if (!parsed.ok) throw new Error(`refusing to publish an invalid ${parsed.envelope?.type ?? "message"}: ${parsed.code}: ${parsed.reason}`);
  return parsed.message;
}

/**
 * The messaging semantic-convention attributes of a span: `create` (the message is made, and committed to the outbox
 * or sent), `send` (the relay or a direct publish hands it to the broker), `process` (a consumer handles it).
 * `messaging.system` is the transport's name (`rabbitmq`, `servicebus` as the conventions spell them; `memory`); unknown in a process without a bus (the CLI's outbox-only publisher).
 */
export function messagingAttributes(operation: 'create' | 'send' | 'process', system: TransportName | undefined, destination: string, messageId?: string): Record<string, string> {
  return {
    ...(system === undefined ? {} : { 'messaging.system': system }),
    'messaging.operation.type': operation,
    'messaging.operation.name': operation,
    'messaging.destination.name': destination,
    ...(messageId === undefined ? {} : { 'messaging.message.id': messageId }),
  };
}
