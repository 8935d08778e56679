import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import {
  assertFits,
  type BusHealth,
  type BusTopology,
  type DeadLetteredMessage,
  type MessageBus,
  type MessageHandler,
  type OutgoingMessage,
  type SubscriptionHandle,
  type SubscriptionSpec,
  type UnroutedMessages,
} from '../../bus/message-bus.port';
import { UNROUTED_SUBSCRIPTION } from '@junction/contracts';
import type { GetMessage } from 'amqplib';
import { decodeDeadLetter, decodeDelivery, encodeOutgoing, type EncodedMessage } from './rabbitmq.codec';
import { RabbitMqConsumer } from './rabbitmq.consumer';
import { delayBucket, names } from './rabbitmq.names';
import { silentLogger, type RabbitMqLogger, type RabbitMqTransportOptions } from './rabbitmq.options';
import { confirmPublish, type RawPublish } from './rabbitmq.publish';
import { RabbitMqTopology, withChannel, type WaitTarget } from './rabbitmq.topology';

interface Live {
  readonly model: ChannelModel;
  publisher: ConfirmChannel;
}

/**
 * MessageBus on RabbitMQ 3.10+, mapped onto Service Bus semantics: topic → durable headers exchange,
 * subscription → durable quorum queue bound once per type, dead-letter queue beside it, scheduled delivery
 * and retry backoff through TTL wait queues. One connection; a confirm channel for publishing; one channel
 * per subscription. When the connection drops, health goes down, publishes reject (the outbox retries) and
 * a reconnect loop with backoff brings the connection and every subscription back.
 */
export class RabbitMqTransport implements MessageBus {
  readonly transport = 'rabbitmq' as const;
  readonly maxMessageBytes: number;
  private readonly logger: RabbitMqLogger;
  private readonly topology: RabbitMqTopology;
  private readonly consumers = new Set<RabbitMqConsumer>();
  private live?: Live;
  private down = 'not connected';
  private blocked?: string;
  private closing = false;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectPending = false;
  private reconnectAttempt = 0;

  constructor(private readonly options: RabbitMqTransportOptions) {
    this.logger = options.logger ?? silentLogger;
    this.topology = new RabbitMqTopology(this.logger);
    this.maxMessageBytes = options.maxMessageBytes ?? 16 * 1024 * 1024;
  }

  /** Fails if the broker cannot be reached now; once connected, connection losses are recovered. */
  async connect(): Promise<void> {
    if (this.live) return;
    this.closing = false;
    await this.open();
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    assertFits(messages, this.maxMessageBytes);
    const live = this.requireLive();
    const now = Date.now();
    const items: RawPublish[] = [];
    for (const m of messages) {
      const encoded = encodeOutgoing(m, now);
      const delayMs = m.scheduledAt ? m.scheduledAt.getTime() - now : 0;
      if (delayMs > 0) {
        // Fan-out happens after the wait: the wait queue dead-letters into the topic exchange.
        const waitQueue = await this.topology.ensureWaitQueue(live.model, { topic: m.topic }, delayBucket(delayMs));
        items.push({ exchange: '', routingKey: waitQueue, ...encoded });
      } else {
        await this.topology.ensureExchange(live.model, m.topic);
        items.push({ exchange: names.exchange(m.topic), routingKey: '', ...encoded });
      }
    }
    await confirmPublish(live.publisher, items);
  }

  async subscribe(spec: SubscriptionSpec, handler: MessageHandler): Promise<SubscriptionHandle> {
    const live = this.requireLive();
    const consumer = new RabbitMqConsumer(spec, handler, {
      logger: this.logger,
      prefetch: Math.max(this.options.prefetch ?? spec.concurrency * 2, spec.concurrency),
      ensureSubscription: (model, s) => this.topology.ensureSubscription(model, s),
      ensureWaitQueue: (target: WaitTarget, bucketMs: number) => this.topology.ensureWaitQueue(this.requireLive().model, target, bucketMs),
      sendToQueue: (queue: string, message: EncodedMessage) =>
        confirmPublish(this.requireLive().publisher, [{ exchange: '', routingKey: queue, ...message }]),
      closed: (c) => this.consumers.delete(c),
      channelLost: (c) => this.reattachLater(c),
    });
    await consumer.attach(live.model);
    this.consumers.add(consumer);
    return consumer;
  }

  /** Exchanges (each with its unrouted holding), then every subscription's queue, DLQ and bindings. */
  async applyTopology(topology: BusTopology): Promise<void> {
    const live = this.requireLive();
    for (const topic of topology.topics) await this.topology.ensureExchange(live.model, topic, { migrate: true });
    for (const declaration of topology.subscriptions) await this.topology.ensureSubscription(live.model, declaration);
  }

  async peekDeadLetters(topic: string, subscription: string, max: number): Promise<DeadLetteredMessage[]> {
    const queue = names.queue(topic, subscription);
    const found = await this.peekQueue(names.deadLetterQueue(topic, subscription), max);
    return (found?.messages ?? []).map((msg) => decodeDeadLetter(msg, topic, subscription, queue));
  }

  /**
   * Takes up to `scanMax` DLQ messages un-acked on a channel of its own, acks the ones named and returns the rest
   * (a classic queue puts them back in their place). Concurrent peeks see fewer messages meanwhile.
   */
  async removeDeadLetters(topic: string, subscription: string, messageIds: ReadonlySet<string>, scanMax: number): Promise<number> {
    if (messageIds.size === 0) return 0;
    const live = this.requireLive();
    try {
      return await withChannel(live.model, async (ch) => {
        const dlq = names.deadLetterQueue(topic, subscription);
        const { messageCount } = await ch.checkQueue(dlq);
        const kept: GetMessage[] = [];
        let removed = 0;
        for (let scanned = 0; scanned < Math.min(scanMax, messageCount); scanned++) {
          const msg = await ch.get(dlq, { noAck: false });
          if (msg === false) break;
          if (messageIds.has(String(msg.properties.messageId ?? ''))) {
            ch.ack(msg);
            removed++;
          } else kept.push(msg);
        }
        for (const msg of kept) ch.nack(msg, false, true);
        return removed;
      });
    } catch (error) {
      if ((error as { code?: number }).code === 404) return 0;
      throw error;
    }
  }

  async peekUnrouted(topic: string, max: number): Promise<UnroutedMessages> {
    const found = await this.peekQueue(names.unroutedQueue(topic), max);
    return { count: found?.count ?? 0, messages: (found?.messages ?? []).map((msg) => decodeDelivery(msg, topic, UNROUTED_SUBSCRIPTION)) };
  }

  /**
   * Oldest first, without removing: takes up to `max` messages un-acked on a channel of its own, then
   * returns them all (classic queues put them back in their place). Concurrent peeks see fewer messages.
   * Undefined when the queue does not exist (never declared).
   */
  private async peekQueue(queue: string, max: number): Promise<{ count: number; messages: GetMessage[] } | undefined> {
    const live = this.requireLive();
    try {
      return await withChannel(live.model, async (ch) => {
        const { messageCount } = await ch.checkQueue(queue);
        const taken: GetMessage[] = [];
        while (taken.length < max) {
          const msg = await ch.get(queue, { noAck: false });
          if (msg === false) break;
          taken.push(msg);
        }
        if (taken.length > 0) ch.nack(taken[taken.length - 1]!, true, true);
        return { count: Math.max(messageCount, taken.length), messages: taken };
      });
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }

  health(): BusHealth {
    if (this.closing) return { up: false, detail: 'closed' };
    if (!this.live) return { up: false, detail: this.down };
    if (this.blocked !== undefined) return { up: false, detail: `broker blocks publishing: ${this.blocked}` };
    return { up: true };
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await Promise.all([...this.consumers].map((c) => c.close()));
    const live = this.live;
    this.live = undefined;
    this.down = 'closed';
    await live?.model.close().catch(() => undefined);
  }

  /** Exchanges and queues this instance declared: for tests and clean-up tooling. */
  declaredTopology(): { exchanges: string[]; queues: string[] } {
    return { exchanges: [...this.topology.declaredExchanges], queues: [...this.topology.declaredQueues] };
  }

  private requireLive(): Live {
    if (this.closing) throw new Error('rabbitmq bus is closed');
    if (!this.live) throw new Error(`rabbitmq unavailable: ${this.down}`);
    return this.live;
  }

  private async open(): Promise<void> {
    const model = await connect(this.options.url, {
      clientProperties: { connection_name: this.options.connectionName ?? 'junction-bus' },
    });
    model.on('error', (err: Error) => this.logger.warn(`rabbitmq: connection error: ${err.message}`));
    model.on('close', (err?: Error) => this.lost(model, err));
    model.on('blocked', (reason: string) => (this.blocked = reason));
    model.on('unblocked', () => (this.blocked = undefined));
    try {
      const live: Live = { model, publisher: await this.openPublisher(model) };
      this.live = live;
      this.topology.resetCaches();
      for (const consumer of this.consumers) await consumer.attach(model);
      if (this.closing) throw new Error('closed while connecting');
      this.reconnectAttempt = 0;
      this.logger.log('rabbitmq: connected');
    } catch (error) {
      this.live = undefined;
      await model.close().catch(() => undefined);
      throw error;
    }
  }

  private async openPublisher(model: ChannelModel): Promise<ConfirmChannel> {
    const publisher = await model.createConfirmChannel();
    publisher.on('error', (err: Error) => this.logger.warn(`rabbitmq: publish channel error: ${err.message}`));
    publisher.on('close', () => {
      // A channel-level error (e.g. publishing to a deleted exchange) closes only this channel: reopen it.
      const live = this.live;
      if (live?.model !== model || live.publisher !== publisher || this.closing) return;
      void this.openPublisher(model).then(
        (next) => (live.publisher = next),
        (err: Error) => this.logger.warn(`rabbitmq: could not reopen the publish channel: ${err.message}`),
      );
    });
    return publisher;
  }

  /**
   * A consumer channel closed on its own. If the whole connection went, the reconnect attaches every
   * consumer; otherwise this does, a moment later (and again while it fails).
   */
  private reattachLater(consumer: RabbitMqConsumer): void {
    const timer = setTimeout(() => {
      const live = this.live;
      if (!live || this.closing || consumer.attached || !this.consumers.has(consumer)) return;
      consumer.attach(live.model).catch((error: unknown) => {
        this.logger.error(`rabbitmq: could not re-attach ${consumer.queue}: ${error instanceof Error ? error.message : String(error)}`);
        this.reattachLater(consumer);
      });
    }, 1_000);
    timer.unref();
  }

  private lost(model: ChannelModel, err?: Error): void {
    if (this.live?.model !== model) return;
    this.live = undefined;
    this.down = `connection lost: ${err?.message ?? 'closed by the broker'}`;
    if (this.closing) return;
    this.logger.warn(`rabbitmq: ${this.down}; reconnecting`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectPending) return;
    this.reconnectPending = true;
    const initial = this.options.reconnect?.initialDelayMs ?? 200;
    const cap = this.options.reconnect?.maxDelayMs ?? 5_000;
    const ceiling = Math.min(cap, initial * 2 ** this.reconnectAttempt++);
    // Half fixed, half jitter: replicas do not reconnect in lockstep, and never hammer at zero delay.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectPending = false;
      if (this.closing) return;
      this.open().catch((error: unknown) => {
        this.down = `reconnecting (attempt ${this.reconnectAttempt}): ${error instanceof Error ? error.message : String(error)}`;
        if (!this.closing) this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref();
  }
}
