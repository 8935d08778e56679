import { Inject, Injectable } from '@nestjs/common';
import { parseMessage, type AnyMessage } from '@junction/contracts';
import { OutboxRepository, type Tx } from '@junction/persistence';
import { withProducerSpan } from '@junction/telemetry';
import type { MessageBus, OutgoingMessage } from '../bus/message-bus.port';
import { MESSAGE_BUS } from '../messaging.tokens';
import { OutboxRelay } from '../outbox/outbox.relay';
import { toOutgoing } from './outgoing-message';

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

  async publish(messages: readonly AnyMessage[]): Promise<void> {
    const outgoing = messages.map((m) => toOutgoing(assertValid(m)));
    await withProducerSpan(`${outgoing[0]?.topic ?? 'none'} publish`, { 'messaging.batch.message_count': String(outgoing.length) }, async (headers) =>
      this.bus.publish(outgoing.map((m) => ({ ...m, headers: { ...m.headers, ...headers } }))),
    );
  }

  /** Written with `tx`; relayed after it commits. Call `relay.wake()` (done by IdempotentConsumer) after commit. */
  async enqueue(tx: Tx, messages: readonly AnyMessage[], options: { availableAt?: Date } = {}): Promise<void> {
    await this.outbox.enqueue(
      tx,
      messages.map((m) => outboxRow(toOutgoing(assertValid(m)), options.availableAt)),
    );
  }

  /** Ask the relay to look at the outbox now instead of at its next poll. */
  wake(): void {
    this.relay.wake();
  }
}

function outboxRow(m: OutgoingMessage, availableAt?: Date) {
  return { id: m.messageId, topic: m.topic, type: m.type, sessionId: m.sessionId, body: m.body as never, headers: { ...m.headers }, availableAt };
}

/** Producers validate too: a message built by hand (not through createMessage) is checked before it leaves. */
function assertValid(message: AnyMessage): AnyMessage {
  const parsed = parseMessage(message);
  if (!parsed.ok) throw new Error(`refusing to publish an invalid ${message.type}: ${parsed.code}: ${parsed.reason}`);
  return parsed.message;
}

