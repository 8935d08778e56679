import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { DeliveredMessage, MessageHandler, Settlement, SubscriptionHandle, SubscriptionSpec } from '../../bus/message-bus.port';
import { BusHeaders, finalSettlement, settlementForThrown } from '../../bus/settlement';
import { SessionLanes } from '../session-lanes';
import { decodeDelivery, encodeCopy, notBeforeOf, sessionIdOf, type EncodedMessage } from './rabbitmq.codec';
import { delayBucket, names, RabbitHeaders } from './rabbitmq.names';
import type { RabbitMqLogger } from './rabbitmq.options';
import type { WaitTarget } from './rabbitmq.topology';

/** A message that comes out of its wait queue this early (long-delay chains, clock skew) goes round again. */
const NOT_BEFORE_TOLERANCE_MS = 25;

/** What a consumer needs from its transport; every call rejects while the connection is down. */
export interface ConsumerPorts {
  readonly logger: RabbitMqLogger;
  readonly prefetch: number;
  /** Declares the subscription's topology (idempotent), before every (re)attach. */
  ensureSubscription(model: ChannelModel, spec: SubscriptionSpec): Promise<void>;
  ensureWaitQueue(target: WaitTarget, bucketMs: number): Promise<string>;
  /** Publishes to a queue through the default exchange, on the confirm channel; resolves when confirmed. */
  sendToQueue(queue: string, message: EncodedMessage): Promise<void>;
  closed(consumer: RabbitMqConsumer): void;
  /** The channel closed while the connection may still be up (channel error, queue deleted): attach again. */
  channelLost(consumer: RabbitMqConsumer): void;
}

/** One consumer channel. Deliveries belong to the channel they came on: once it closed, the broker requeued them. */
interface Lease {
  readonly channel: Channel;
  open: boolean;
  consumerTag?: string;
}

/**
 * Consumes one subscription queue. RabbitMQ pushes up to `prefetch` messages; SessionLanes keeps one
 * session's messages one at a time and in order, and `slots` caps running handlers at `concurrency`.
 * A message is acknowledged only after its settlement is durable (the retry or dead-letter copy confirmed):
 * anything not yet settled when the channel goes away is requeued by the broker, never lost.
 */
export class RabbitMqConsumer implements SubscriptionHandle {
  readonly queue: string;
  readonly deadLetterQueue: string;
  private readonly lanes = new SessionLanes();
  private readonly slots: Slots;
  private readonly tasks = new Set<Promise<void>>();
  private lease?: Lease;
  private closing?: Promise<void>;
  private attaching?: Promise<void>;

  constructor(
    readonly spec: SubscriptionSpec,
    private readonly handler: MessageHandler,
    private readonly ports: ConsumerPorts,
  ) {
    this.queue = names.queue(spec.topic, spec.subscription);
    this.deadLetterQueue = names.deadLetterQueue(spec.topic, spec.subscription);
    this.slots = new Slots(Math.max(1, spec.concurrency));
  }

  /** Declares the topology and starts consuming on a fresh channel (at subscribe, and after a reconnect). */
  attach(model: ChannelModel): Promise<void> {
    if (this.closing || this.attached) return Promise.resolve();
    // One attach at a time: a reconnect and a channel-loss retry must not open two consuming channels.
    this.attaching ??= this.consumeOn(model).finally(() => (this.attaching = undefined));
    return this.attaching;
  }

  private async consumeOn(model: ChannelModel): Promise<void> {
    await this.ports.ensureSubscription(model, this.spec);
    const channel = await model.createChannel();
    const lease: Lease = { channel, open: true };
    channel.on('error', (err: Error) => this.ports.logger.warn(`rabbitmq: consumer channel of ${this.queue} failed: ${err.message}`));
    channel.on('close', () => {
      lease.open = false;
      if (!this.closing && this.lease === lease) this.ports.channelLost(this);
    });
    try {
      await channel.prefetch(Math.max(this.ports.prefetch, this.spec.concurrency));
      const { consumerTag } = await channel.consume(this.queue, (msg) => this.onDelivery(lease, msg), { noAck: false });
      lease.consumerTag = consumerTag;
      this.lease = lease;
    } catch (error) {
      if (lease.open) await channel.close().catch(() => undefined);
      throw error;
    }
  }

  /** False once its channel closed and until a new one consumes. */
  get attached(): boolean {
    return this.lease?.open === true && !this.closing;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.attaching?.catch(() => undefined);
    const lease = this.lease;
    // No new deliveries; what was prefetched but not started stays un-acked and goes back to the queue
    // (in its place) when the channel closes, for the next consumer.
    if (lease?.open && lease.consumerTag) await lease.channel.cancel(lease.consumerTag).catch(() => undefined);
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
    if (lease?.open) await lease.channel.close().catch(() => undefined);
    this.ports.closed(this);
  }

  private onDelivery(lease: Lease, msg: ConsumeMessage | null): void {
    if (msg === null) {
      // The broker cancelled us (queue deleted): close the channel, and channelLost declares and consumes again.
      this.ports.logger.warn(`rabbitmq: consumer of ${this.queue} was cancelled by the broker`);
      if (lease.open) void lease.channel.close().catch(() => undefined);
      return;
    }
    if (this.closing) return;
    const task = this.lanes.run(sessionIdOf(msg), () => this.process(lease, msg));
    const tracked = task.catch((err: unknown) => this.ports.logger.error(`rabbitmq: ${this.queue}: ${describe(err)}`));
    this.tasks.add(tracked);
    void tracked.finally(() => this.tasks.delete(tracked));
  }

  private async process(lease: Lease, msg: ConsumeMessage): Promise<void> {
    await this.slots.acquire();
    try {
      // Not started yet: leave it un-acked, the broker hands it to the next consumer in order.
      if (this.closing || !lease.open) return;
      const delivered = decodeDelivery(msg, this.spec.topic, this.spec.subscription);
      const notBefore = notBeforeOf(msg);
      if (notBefore !== undefined && notBefore - Date.now() > NOT_BEFORE_TOLERANCE_MS) {
        // Not a delivery: the previous count travels on unchanged.
        await this.forward(lease, msg, delivered.deliveryCount - 1, notBefore - Date.now(), {});
        return;
      }
      let settlement: Settlement;
      try {
        settlement = await this.handler(delivered);
      } catch (error) {
        settlement = settlementForThrown(error);
      }
      await this.settle(lease, msg, delivered, finalSettlement(settlement, delivered.deliveryCount, this.spec.maxDeliveryCount));
    } finally {
      this.slots.release();
    }
  }

  private async settle(lease: Lease, msg: ConsumeMessage, delivered: DeliveredMessage, settlement: Settlement): Promise<void> {
    switch (settlement.action) {
      case 'complete':
        return this.ack(lease, msg);
      case 'retry':
        // A copy into THIS subscription's wait queue only: the other subscriptions already have theirs.
        return this.forward(lease, msg, delivered.deliveryCount, settlement.delayMs, {});
      case 'dead-letter':
        return this.publishThenAck(lease, msg, this.deadLetterQueue, encodeCopy(msg, delivered.deliveryCount, {
          [BusHeaders.deadLetterReason]: settlement.reason,
          [BusHeaders.deadLetterDescription]: settlement.description,
        }));
    }
  }

  /** Back into this subscription's queue after `delayMs` (rounded up to a wait-queue bucket). */
  private async forward(lease: Lease, msg: ConsumeMessage, previousDeliveries: number, delayMs: number, extra: Record<string, string>): Promise<void> {
    if (delayMs <= 0) return this.publishThenAck(lease, msg, this.queue, encodeCopy(msg, previousDeliveries, extra));
    const notBefore = { ...extra, [RabbitHeaders.notBefore]: String(Date.now() + delayMs) };
    try {
      const waitQueue = await this.ports.ensureWaitQueue({ queue: this.queue }, delayBucket(delayMs));
      return await this.publishThenAck(lease, msg, waitQueue, encodeCopy(msg, previousDeliveries, notBefore));
    } catch (error) {
      return this.returnToQueue(lease, msg, error);
    }
  }

  private async publishThenAck(lease: Lease, msg: ConsumeMessage, queue: string, copy: EncodedMessage): Promise<void> {
    try {
      await this.ports.sendToQueue(queue, copy);
    } catch (error) {
      return this.returnToQueue(lease, msg, error);
    }
    this.ack(lease, msg);
  }

  private returnToQueue(lease: Lease, msg: ConsumeMessage, error: unknown): void {
    this.ports.logger.error(`rabbitmq: could not settle ${msg.properties.messageId} on ${this.queue}, returning it to the queue: ${describe(error)}`);
    // Counted by the broker as a delivery, so x-delivery-limit stops a loop if the broker keeps refusing.
    if (lease.open) this.safely(() => lease.channel.nack(msg, false, true));
  }

  private ack(lease: Lease, msg: ConsumeMessage): void {
    if (!lease.open) {
      this.ports.logger.warn(`rabbitmq: ${msg.properties.messageId} on ${this.queue} settled after its channel closed; the broker will redeliver it`);
      return;
    }
    this.safely(() => lease.channel.ack(msg));
  }

  private safely(op: () => void): void {
    try {
      op();
    } catch (error) {
      // The channel closed between the check and the call: the broker requeues the message.
      this.ports.logger.warn(`rabbitmq: ${this.queue}: ${describe(error)}`);
    }
  }
}

/** Counting semaphore, FIFO. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
