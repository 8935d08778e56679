import { Inject, Injectable } from '@nestjs/common';
import { routeOf, type AnyMessage } from '@junction/contracts';
import { OutboxRepository, type Tx } from '@junction/persistence';
import { withProducerSpan } from '@junction/telemetry';
import type { MessageBus, OutgoingMessage, TransportName } from '../bus/message-bus.port';
import { MESSAGE_BUS } from '../messaging.tokens';
import { type CommittedRow, OutboxRelay } from '../outbox/outbox.relay';
import { assertPublishable, messagingAttributes, toOutgoing } from './outgoing-message';

/**
 * How app code sends messages. `enqueue` writes to the outbox inside the caller's transaction (use it
 * whenever the message accompanies a database change); `publish` goes straight to the broker (for messages
 * with no database change behind them, such as telemetry).
 */
@Injectable()
export class MessagePublisher {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
  ) {}

  /**
   * A publisher for a process without a bus or relay (the CLI): `enqueue` writes outbox rows in the caller's
   * transaction, which the running apps' relays publish; `publish` is refused.
   */
  static outboxOnly(outbox: OutboxRepository): MessagePublisher {
    const noBus = {
      publish: () => Promise.reject(new Error('this process has no message bus: enqueue to the outbox instead')),
    } as unknown as MessageBus;
    const noRelay = { wake: () => undefined, committed: () => undefined } as unknown as OutboxRelay;
    return new MessagePublisher(noBus, outbox, noRelay);
  }

  async publish(messages: readonly AnyMessage[]): Promise<void> {
    await inProducerSpan('send', this.bus.transport, messages, () => this.bus.publish(messages.map((m) => toOutgoing(m))));
  }

  /**
   * Written with `tx`; relayed after it commits. The trace context stored with each row is that of a PRODUCER
   * span opened now, so the consumer's span continues the business transaction's trace, not the relay's.
   */
  async enqueue(tx: Tx, messages: readonly AnyMessage[], options: { availableAt?: Date } = {}): Promise<void> {
    await inProducerSpan('create', this.bus.transport, messages, () =>
      this.outbox.enqueue(
        tx,
        messages.map((m) => outboxRow(toOutgoing(m), options.availableAt)),
      ),
    );
  }

  /**
   * Rows this process has just committed to the outbox (with its own statement, not `enqueue`), as written: the
   * relay publishes them without reading them back.
   */
  committed(rows: readonly CommittedRow[]): void {
    this.relay.committed(rows);
  }

  /** Ask the relay to look at the outbox now instead of at its next poll. */
  wake(): void {
    this.relay.wake();
  }
}

function outboxRow(m: OutgoingMessage, availableAt?: Date) {
  return { id: m.messageId, topic: m.topic, type: m.type, sessionId: m.sessionId, body: m.body as never, headers: { ...m.headers }, availableAt };
}

/**
 * Validates (producers parse too), then runs `send` inside one PRODUCER span named after the first topic: `create` when
 * the messages go to the outbox (the relay's `send` spans follow), `send` when they go straight to the broker.
 */
function inProducerSpan(operation: 'create' | 'send', transport: TransportName | undefined, messages: readonly AnyMessage[], send: () => Promise<void>): Promise<void> {
  for (const message of messages) assertPublishable(message);
  const topic = messages[0] ? routeOf(messages[0]).topic : 'none';
  const attributes = {
    ...messagingAttributes(operation, transport, topic, messages.length === 1 ? messages[0]!.id : undefined),
    ...(messages.length === 1 ? { 'messaging.message.conversation_id': messages[0]!.correlationId } : { 'messaging.batch.message_count': messages.length }),
  };
  return withProducerSpan(`${topic} publish`, attributes, send);
}
