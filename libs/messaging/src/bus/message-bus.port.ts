/**
 * The one port every transport implements (memory, rabbitmq, servicebus). Semantics are Azure Service
 * Bus's, because that is production: topics fan out to subscriptions, a subscription filters by message
 * type (correlation filter), deliveries are peek-locked and settled explicitly, and a message that cannot be
 * processed ends up in the subscription's dead-letter queue with a reason.
 *
 * Transports carry bytes and headers; they know nothing of envelopes' schemas. Validation, tracing and the
 * retry policy live above them (see message-settlement.ts, tracing/, nest/).
 */
export type TransportName = 'memory' | 'rabbitmq' | 'servicebus';

export interface OutgoingMessage {
  readonly topic: string;
  /** Becomes the broker messageId. Always the envelope id. */
  readonly messageId: string;
  /** The envelope `type`; subscriptions filter on it. */
  readonly type: string;
  /** JSON-serializable body (the envelope), or the envelope already serialized (`JsonText`, from the outbox). */
  readonly body: unknown;
  /** Entity key: messages with the same sessionId are handled one at a time, in publish order. */
  readonly sessionId?: string;
  /** Delayed delivery: not visible to consumers before this instant. */
  readonly scheduledAt?: Date;
  /** Application properties (W3C traceparent/tracestate, correlation id). Strings only. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Application property a dead-letter redrive adds: how often the message was redriven (1 on the first redrive).
 * Consumers see it; the Service Bus transport also gives a redriven message a broker id of its own (see
 * toServiceBusMessage). Not `x-junction-*`: the RabbitMQ transport keeps that prefix for its own metadata.
 */
export const REDRIVE_COUNT_HEADER = 'junction-redrive-count';

/**
 * An envelope that is already JSON text: the outbox relay reads bodies so from Postgres, and transports send
 * those bytes as they are instead of parsing and serializing every relayed message again.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/** The body as the JSON text a wire carries. */
export function bodyJson(body: unknown): string {
  return body instanceof JsonText ? body.text : (JSON.stringify(body) ?? 'null');
}

/**
 * A publish the broker will refuse however often it is tried: the message is over the transport's size limit, or
 * it cannot be encoded. Retrying cannot help, so the outbox relay parks the row (with `code` as its reason) and
 * publishes the others. Thrown before anything of the batch is sent, naming the message.
 */
export class PermanentPublishError extends Error {
  override readonly name = 'PermanentPublishError';
  constructor(
    readonly code: 'MESSAGE_TOO_LARGE' | 'INVALID_MESSAGE',
    readonly messageId: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What a message costs against a broker's size limit: body bytes plus application properties (Service Bus counts
 * both, and its own system properties, against 256 KB on Standard). Broker-added metadata is left out: each
 * transport's limit keeps a margin for it.
 */
export function messageSize(m: OutgoingMessage): number {
  let size = Buffer.byteLength(bodyJson(m.body), 'utf8');
  for (const [key, value] of Object.entries(m.headers ?? {})) size += Buffer.byteLength(key) + Buffer.byteLength(value);
  return size + Buffer.byteLength(m.type) + Buffer.byteLength(m.messageId) + (m.sessionId ? Buffer.byteLength(m.sessionId) : 0);
}

/** Every transport checks a batch with this before sending any of it. */
export function assertFits(messages: readonly OutgoingMessage[], maxMessageBytes: number): void {
  for (const m of messages) {
    const size = messageSize(m);
    if (size > maxMessageBytes) {
      throw new PermanentPublishError(
        'MESSAGE_TOO_LARGE',
        m.messageId,
        `message ${m.messageId} (${m.type}) is ${size} bytes, over the bus's limit of ${maxMessageBytes} bytes`,
      );
    }
  }
}

export interface DeliveredMessage {
  readonly messageId: string;
  readonly type: string;
  readonly topic: string;
  readonly subscription: string;
  /**
   * The parsed JSON body, or `undefined` when the bytes were not JSON (see `rawBody`): the caller decides
   * (dead-letters), the transport never throws on bad bytes.
   */
  readonly body: unknown;
  readonly rawBody: string;
  /** 1 on the first delivery; counts scheduled retries and broker redeliveries alike. */
  readonly deliveryCount: number;
  readonly sessionId?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly enqueuedAt: Date;
}

export interface DeadLetteredMessage extends DeliveredMessage {
  /** Stable code, e.g. VALIDATION_FAILED, MAX_DELIVERIES_EXCEEDED. */
  readonly reason: string;
  /** Human-readable detail; never contains secrets. */
  readonly description: string;
}

/** What a handler decided; the transport carries it out. */
export type Settlement =
  | { readonly action: 'complete' }
  | { readonly action: 'retry'; readonly delayMs: number; readonly reason: string; readonly description: string; readonly errorClass?: string }
  /** errorClass: the failure's class in the error taxonomy (auth, server, connection …), when the error had one. */
  | { readonly action: 'dead-letter'; readonly reason: string; readonly description: string; readonly errorClass?: string };

export interface SubscriptionSpec {
  readonly topic: string;
  /** The consuming app's name; one queue per (topic, subscription). */
  readonly subscription: string;
  /** Correlation filter: only these envelope types reach the subscription. */
  readonly types: readonly string[];
  /** Deliveries before a retried message is dead-lettered (Service Bus maxDeliveryCount). */
  readonly maxDeliveryCount: number;
  /** Handlers running at once in this process for this subscription. */
  readonly concurrency: number;
}

/** A subscription as the topology declares it: it exists, filtered, whether or not a consumer runs. */
export type SubscriptionDeclaration = Pick<SubscriptionSpec, 'topic' | 'subscription' | 'types' | 'maxDeliveryCount'>;

/** What `applyTopology` declares: every topic (each with its unrouted holding queue) and every subscription. */
export interface BusTopology {
  readonly topics: readonly string[];
  readonly subscriptions: readonly SubscriptionDeclaration[];
}

/** A topic's messages that no subscription took: how many there are, and the oldest, left in place. */
export interface UnroutedMessages {
  readonly count: number;
  readonly messages: readonly DeliveredMessage[];
}

export type MessageHandler = (message: DeliveredMessage) => Promise<Settlement>;

export interface SubscriptionHandle {
  /** Stops receiving, waits for in-flight handlers to settle. Undelivered messages stay in the queue. */
  close(): Promise<void>;
}

export interface BusHealth {
  readonly up: boolean;
  readonly detail?: string;
}

export interface MessageBus {
  readonly transport: TransportName;
  /**
   * The largest message (`messageSize`) this bus accepts; a larger one fails with PermanentPublishError. Edges
   * refuse input that would not fit (413) before acknowledging it.
   */
  readonly maxMessageBytes: number;
  connect(): Promise<void>;
  /** Resolves once the broker has durably accepted every message (publisher confirms / SDK ack). */
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
  /**
   * Declares every topic with its unrouted holding queue, and every subscription with its type filter, before
   * anything is published or consumed: a message published before its consumer starts waits in the consumer's
   * queue, and one whose type no subscription takes is held as unrouted. Idempotent; safe from several
   * processes at once.
   */
  applyTopology(topology: BusTopology): Promise<void>;
  /**
   * What no subscription took on `topic` (its `unrouted` holding queue), oldest first, without removing it.
   * A topic published to without any declaration holds its messages there too.
   */
  peekUnrouted(topic: string, max: number): Promise<UnroutedMessages>;
  /** Creates the subscription (and its filter) if missing, then starts delivering to `handler`. */
  subscribe(spec: SubscriptionSpec, handler: MessageHandler): Promise<SubscriptionHandle>;
  /** Reads (without removing) the dead-letter queue of a subscription, oldest first. */
  peekDeadLetters(topic: string, subscription: string, max: number): Promise<DeadLetteredMessage[]>;
  /**
   * Removes these messages (by message id, every copy) from a subscription's dead-letter queue, looking at no more
   * than `scanMax` of its messages; the others stay, in their order. Returns how many were removed. Used after a
   * redrive or a purge, so the broker's DLQ and the `dead_letter` mirror agree.
   */
  removeDeadLetters(topic: string, subscription: string, messageIds: ReadonlySet<string>, scanMax: number): Promise<number>;
  health(): BusHealth;
  /** Graceful: stops every subscription (in-flight handlers settle first), then closes connections. */
  close(): Promise<void>;
}
