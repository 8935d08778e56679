import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createMessage, ErrorCodes, type MessageOf, webhookRoutesHeader } from '@junction/contracts';
import { JsonText, MESSAGE_BUS, type MessageBus, messageSize, messagingAttributes, toOutgoing, type TransportName } from '@junction/messaging';
import { withInternalSpan, withProducerSpan } from '@junction/telemetry';
import { EndpointCache, type LoadedEndpoint } from '../../../endpoints/endpoint.cache';
import { readBody } from '../../intake/body.reader';
import { InboxWriter } from '../../intake/inbox.writer';
import { contentKind, parsePayload } from '../../intake/payload.parser';
import { RejectionAuditor } from '../../intake/rejection.auditor';
import { TokenBuckets } from '../../intake/token-bucket';

export interface WebhookRequest {
  provider: string;
  endpointId: string;
  headers: IncomingHttpHeaders;
  /** Passed apart from `headers`: the route takes it off the request so that Fastify never judges it. */
  contentType: string | undefined;
  body: Readable;
  requestId: string;
  remoteAddress?: string;
}

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Answered before the body was read to its end: the rest must be drained before the connection is reused. */
  unread?: boolean;
}

/** Seconds a provider should wait before retrying when we could not store its webhook. */
const RETRY_AFTER_UNAVAILABLE = '10';

/**
 * A provider's webhook, from raw request to durable receipt. The order is the contract: nothing is parsed
 * before the signature holds, nothing is answered 2xx before the inbox and outbox rows are committed, and a
 * rejection stores nothing but an audit row. Every answer carries a stable `code` or the receipt.
 *
 * A webhook whose message would not fit the bus (`maxMessageBytes`: 256 KiB on Service Bus Standard) is refused
 * with 413 before anything is stored: accepted, it could never be published (the relay would park it), and the
 * provider, told 413, can still act on it.
 */
@Injectable()
export class ReceiveWebhookHandler {
  private readonly logger = new Logger(ReceiveWebhookHandler.name);
  private readonly buckets = new TokenBuckets();
  private readonly maxMessageBytes: number;
  private readonly transport: TransportName;

  constructor(
    private readonly endpoints: EndpointCache,
    private readonly writer: InboxWriter,
    private readonly auditor: RejectionAuditor,
    @Inject(MESSAGE_BUS) bus: MessageBus,
  ) {
    this.maxMessageBytes = bus.maxMessageBytes;
    this.transport = bus.transport;
  }

  async execute(request: WebhookRequest): Promise<WebhookAnswer> {
    let endpoint: LoadedEndpoint | null;
    try {
      endpoint = await this.endpoints.get(request.endpointId);
    } catch (error) {
      return this.unavailable(request, error);
    }
    if (!endpoint || endpoint.provider !== request.provider) {
      return { ...this.reject(request, undefined, 404, ErrorCodes.endpointNotFound, `no webhook endpoint ${request.provider}/${request.endpointId}`), unread: true };
    }
    if (endpoint.rateLimit) {
      const wait = this.buckets.take(endpoint.id, endpoint.rateLimit.perSecond, endpoint.rateLimit.burst);
      if (wait > 0) {
        const answer = this.reject(request, endpoint, 429, ErrorCodes.rateLimited, `more than ${endpoint.rateLimit.perSecond} requests/s for this endpoint`);
        return { ...answer, headers: { 'retry-after': String(Math.ceil(wait)) }, unread: true };
      }
    }
    const kind = contentKind(request.contentType);
    if (!kind) {
      return { ...this.reject(request, endpoint, 415, ErrorCodes.unsupportedMediaType, 'send application/json or application/x-www-form-urlencoded'), unread: true };
    }
    const declared = request.headers['content-length'] === undefined ? undefined : Number(request.headers['content-length']);
    const read = await readBody(request.body, endpoint.bodyLimitBytes, declared);
    if (!read.ok) {
      if (read.reason === 'aborted') return this.reject(request, endpoint, 400, ErrorCodes.malformedPayload, 'the request body ended early');
      return { ...this.reject(request, endpoint, 413, ErrorCodes.payloadTooLarge, `body over this endpoint's limit of ${endpoint.bodyLimitBytes} bytes`), unread: true };
    }
    const verified = endpoint.scheme.verify({
      headers: request.headers,
      rawBody: read.body,
      keys: endpoint.keys,
      nowSeconds: Date.now() / 1000,
      tolerance: endpoint.tolerance,
      options: endpoint.options,
    });
    if (!verified.ok) return this.reject(request, endpoint, verified.code === ErrorCodes.missingSignature ? 400 : 401, verified.code, verified.message);

    const parsed = parsePayload(read.body, kind);
    if (!parsed.ok) return this.reject(request, endpoint, 400, ErrorCodes.malformedPayload, parsed.reason);
    if (isSlackChallenge(endpoint, parsed.value)) return { status: 200, body: { challenge: parsed.value.challenge } };

    const identity = endpoint.scheme.identify({ headers: request.headers, body: parsed.value, rawBody: read.body, timestamp: verified.timestamp, options: endpoint.options });
    const receivedAt = new Date();
    const message = createMessage(
      'webhooks.received',
      {
        endpointId: endpoint.id,
        provider: endpoint.provider,
        eventType: identity.eventType,
        eventId: identity.eventId,
        receivedAt: receivedAt.toISOString(),
        headers: forwarded(request.headers, endpoint.scheme.forwardedHeaders),
        payload: parsed.value,
      },
      { tenantId: endpoint.tenantId, occurredAt: receivedAt },
    );
    // The message's PRODUCER span: the context the outbox row stores (toOutgoing reads it), so the relay's publish and
    // every consumer continue this request's trace.
    const attributes = { ...messagingAttributes('create', this.transport, 'webhooks.received', message.id), 'messaging.message.conversation_id': message.correlationId };
    return withProducerSpan('webhooks.received publish', attributes, () => this.store(request, endpoint, message, identity, parsed.json));
  }

  private async store(request: WebhookRequest, endpoint: LoadedEndpoint, message: MessageOf<'webhooks.received'>, identity: { eventId: string; eventType: string }, payloadJson: string | undefined): Promise<WebhookAnswer> {
    const outgoing = toOutgoing(message);
    const bodyJson = envelopeJson(message, payloadJson);
    const headers = routesHeader(endpoint, outgoing.headers);
    // The message exactly as the relay will publish it (no sessionId is stored for it): one byte count of the text
    // serialized anyway, no second serialization.
    const size = messageSize({ topic: outgoing.topic, messageId: message.id, type: outgoing.type, body: new JsonText(bodyJson), headers });
    if (size > this.maxMessageBytes) {
      return this.reject(request, endpoint, 413, ErrorCodes.payloadTooLarge, `the webhook makes a ${size}-byte message, over the message bus's limit of ${this.maxMessageBytes} bytes`);
    }
    let outcome;
    try {
      outcome = await withInternalSpan('inbox write', { 'db.system.name': 'postgresql', 'db.operation.name': 'INSERT', 'db.collection.name': 'inbox_message' }, async (span) => {
        const written = await this.writer.write1({
          id: message.id,
          endpointId: endpoint.id,
          provider: endpoint.provider,
          eventId: identity.eventId,
          eventType: identity.eventType,
          topic: outgoing.topic,
          type: outgoing.type,
          bodyJson,
          headers,
        });
        span.setAttribute('junction.inbox.outcome', written);
        return written;
      });
    } catch (error) {
      return this.unavailable(request, error);
    }
    switch (outcome) {
      case 'accepted':
        return { status: 200, body: { id: message.id, eventId: identity.eventId, duplicate: false } };
      case 'duplicate':
        return { status: 200, body: { eventId: identity.eventId, duplicate: true } };
      case 'unstorable':
        return this.reject(request, endpoint, 400, ErrorCodes.malformedPayload, 'the event type or id holds characters the inbox cannot store (\\u0000 or an unpaired surrogate)');
    }
  }

  private reject(request: WebhookRequest, endpoint: LoadedEndpoint | undefined, status: number, code: string, message: string): WebhookAnswer {
    this.auditor.record({
      endpointId: request.endpointId,
      provider: request.provider,
      tenantId: endpoint?.tenantId,
      code,
      status,
      message,
      requestId: request.requestId,
      remoteAddress: request.remoteAddress,
    });
    return { status, body: { code, message } };
  }

  private unavailable(request: WebhookRequest, error: unknown): WebhookAnswer {
    this.logger.warn({ endpointId: request.endpointId, requestId: request.requestId, reason: (error as Error).message }, 'webhook not stored: database unavailable');
    return {
      status: 503,
      body: { code: ErrorCodes.unavailable, message: 'the webhook could not be stored; retry later' },
      headers: { 'retry-after': RETRY_AFTER_UNAVAILABLE },
    };
  }
}

/** Stands in for the payload while the rest of the message is serialized; random, so no received text can spell it. */
const PAYLOAD_SLOT_VALUE = `payload:${randomUUID()}`;
const PAYLOAD_SLOT = JSON.stringify(PAYLOAD_SLOT_VALUE);

/**
 * The message as JSON text, with the provider's payload embedded as the text that was parsed (`payloadJson`)
 * rather than serialized again from its parsed value: one serialization less per webhook, and numbers keep
 * the digits the provider sent.
 */
export function envelopeJson(message: MessageOf<'webhooks.received'>, payloadJson: string | undefined): string {
  if (payloadJson === undefined) return JSON.stringify(message);
  const text = JSON.stringify({ ...message, payload: { ...message.payload, payload: PAYLOAD_SLOT_VALUE } });
  const at = text.lastIndexOf(PAYLOAD_SLOT);
  return text.slice(0, at) + payloadJson + text.slice(at + PAYLOAD_SLOT.length);
}

/** The message's headers, marked for the router when the endpoint has routes (it consumes nothing else). */
function routesHeader(endpoint: LoadedEndpoint, headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const routes = Array.isArray(endpoint.routes) ? endpoint.routes.length : 0;
  return routes > 0 ? { ...headers, [webhookRoutesHeader]: String(routes) } : { ...headers };
}

function forwarded(headers: IncomingHttpHeaders, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value.slice(0, 1_000);
  }
  return out;
}

/** Slack's Events API handshake: echo the challenge (signed like any event), store nothing. */
function isSlackChallenge(endpoint: LoadedEndpoint, body: unknown): body is { challenge: string } {
  const b = body as { type?: unknown; challenge?: unknown } | null;
  return endpoint.scheme.name === 'slack' && typeof b === 'object' && b !== null && b.type === 'url_verification' && typeof b.challenge === 'string';
}
