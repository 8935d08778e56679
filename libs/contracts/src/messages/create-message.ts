import { envelopeSchema } from '../envelope/envelope.schema';
import { messageId } from '../envelope/message-id';
import { Messages, type MessageOf, type MessagePayload, type MessageType } from './registry';

export interface CreateMessageOptions {
  tenantId: string;
  correlationId?: string;
  causationId?: string;
  id?: string;
  occurredAt?: Date;
  deadline?: Date;
  /** Commands: the connection to run on (else the tenant's default of the provider). */
  connectionId?: string;
}

/** Producers' side: parses (throws on invalid input) so nothing invalid ever reaches the broker. */
export function createMessage<T extends MessageType>(
  type: T,
  payload: MessagePayload<T>,
  options: CreateMessageOptions,
): MessageOf<T> {
  const definition = Messages[type];
  const id = options.id ?? messageId();
  const envelope = envelopeSchema.parse({
    id,
    type,
    version: definition.version,
    tenantId: options.tenantId,
    correlationId: options.correlationId ?? id,
    causationId: options.causationId,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    deadline: options.deadline?.toISOString(),
    connectionId: options.connectionId,
    payload: definition.payload.parse(payload),
  });
  return envelope as MessageOf<T>;
}

/** A follow-up message caused by `cause`: same tenant and correlation, causation = cause's id. */
export function createReply<T extends MessageType>(
  cause: { id: string; tenantId: string; correlationId: string },
  type: T,
  payload: MessagePayload<T>,
): MessageOf<T> {
  return createMessage(type, payload, {
    tenantId: cause.tenantId,
    correlationId: cause.correlationId,
    causationId: cause.id,
  });
}

/** Topic and ordering key of a message, from its definition. */
export function routeOf(message: { type: MessageType; payload: unknown }): { topic: string; sessionId?: string } {
  const definition = Messages[message.type];
  const key = definition.entityKey as ((p: unknown) => string) | undefined;
  return { topic: definition.topic, sessionId: key?.(message.payload) };
}
