import type { z } from 'zod';
import { envelopeSchema, type Envelope } from '../envelope/envelope.schema';
import { ErrorCodes, type ErrorCode } from '../errors/error-codes';
import type { MessageDefinition, PayloadOf } from './define-message';
import { crmMessages } from './crm.messages';
import { messagesByType } from './define-command';
import { erpMessages } from './erp.messages';
import { integrationCallRecorded, integrationConnectionReauthRequired } from './integration.messages';
import { linkedinMessages } from './linkedin.messages';
import { mcpMessages } from './mcp.messages';
import { opsAlertFired, opsAlertResolved } from './ops.messages';
import { redditMessages } from './reddit.messages';
import { webhooksReceived } from './webhook.messages';

/**
 * Every message Junction knows. A type string appears here exactly once.
 * WARNING: a type string is a broker filter and a stored value (outbox, dead letters): renaming one needs a
 * migration plan, like a topic name.
 */
export const Messages = {
  ...erpMessages,
  ...crmMessages,
  ...linkedinMessages,
  ...redditMessages,
  ...mcpMessages,
  ...messagesByType(integrationCallRecorded, integrationConnectionReauthRequired, webhooksReceived, opsAlertFired, opsAlertResolved),
} as const;

export type MessageType = keyof typeof Messages;
export type MessagePayload<T extends MessageType> = PayloadOf<(typeof Messages)[T]>;
export type MessageOf<T extends MessageType> = Envelope<MessagePayload<T>, T>;
/** The union of every message Junction knows. */
export type AnyMessage = { [T in MessageType]: MessageOf<T> }[MessageType];

export function isMessageType(type: string): type is MessageType {
  return Object.prototype.hasOwnProperty.call(Messages, type);
}

/** The event types answering a command (`replies`), or undefined for an event or a command without them. */
export function repliesOf(type: string): { readonly succeeded: MessageType; readonly failed: MessageType } | undefined {
  if (!isMessageType(type)) return undefined;
  const definition: MessageDefinition = Messages[type];
  return definition.replies as { succeeded: MessageType; failed: MessageType } | undefined;
}

export function messageDefinition<T extends MessageType>(type: T): (typeof Messages)[T] {
  return Messages[type];
}

export type ParseResult =
  | { ok: true; message: AnyMessage }
  | { ok: false; code: ErrorCode; reason: string; envelope?: Envelope };

/** Consumers' side: never throws; an invalid message comes back with a stable code and a readable reason. */
export function parseMessage(raw: unknown): ParseResult {
  const env = envelopeSchema.safeParse(raw);
  if (!env.success) {
    return { ok: false, code: ErrorCodes.malformedMessage, reason: `envelope: ${formatIssues(env.error)}` };
  }
  const envelope = env.data as Envelope;
  if (!isMessageType(envelope.type)) {
    return { ok: false, code: ErrorCodes.unknownMessageType, reason: `unknown message type "${envelope.type}"`, envelope };
  }
  const definition: MessageDefinition = Messages[envelope.type];
  const schema = payloadSchemaFor(definition, envelope.version);
  if (!schema) {
    return {
      ok: false,
      code: ErrorCodes.unsupportedVersion,
      reason: `${envelope.type} version ${envelope.version} is not accepted (current ${definition.version})`,
      envelope,
    };
  }
  const payload = schema.safeParse(envelope.payload);
  if (!payload.success) {
    return { ok: false, code: ErrorCodes.validationFailed, reason: `payload: ${formatIssues(payload.error)}`, envelope };
  }
  return { ok: true, message: { ...envelope, payload: payload.data } as AnyMessage };
}

function payloadSchemaFor(definition: MessageDefinition, version: number): z.ZodType | undefined {
  if (version === definition.version) return definition.payload;
  return definition.previous?.[version];
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
