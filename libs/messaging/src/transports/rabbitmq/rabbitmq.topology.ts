import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import type { SubscriptionDeclaration } from '../../bus/message-bus.port';
import { confirmPublish } from './rabbitmq.publish';
import { names, RabbitHeaders, WAIT_QUEUE_IDLE_MARGIN_MS, WAIT_QUEUE_REDECLARE_MS } from './rabbitmq.names';
import type { RabbitMqLogger } from './rabbitmq.options';

/** Where a wait queue sends a message once its TTL has run out. */
export type WaitTarget = { readonly queue: string } | { readonly topic: string };

/**
 * Declares exchanges and queues. Declarations are idempotent on the broker; the caches only save round
 * trips and are per connection (a broker restart may have lost non-durable state, so reconnect clears them).
 * Each declaration runs on a short-lived channel of its own: a failed declaration (406 PRECONDITION_FAILED
 * when a queue exists with other arguments) closes its channel, and must not take the publish channel down.
 */
export class RabbitMqTopology {
  private readonly exchanges = new Set<string>();
  private readonly waitDeclaredAt = new Map<string, number>();
  /** Everything this instance declared (for tests and clean-up tooling). */
  readonly declaredExchanges = new Set<string>();
  readonly declaredQueues = new Set<string>();

  constructor(private readonly logger: RabbitMqLogger) {}

  resetCaches(): void {
    this.exchanges.clear();
    this.waitDeclaredAt.clear();
  }

  /**
   * The topic's headers exchange, with its alternate exchange and unrouted queue declared first, so that no
   * message published to the topic is ever dropped for want of a binding.
   *
   * Exchange arguments are immutable: an exchange declared before unrouted holding existed answers 406. With
   * `migrate` (applyTopology, which re-binds every subscription of the topology right after) it is deleted and
   * declared again; queues and their messages are untouched, only bindings go. Otherwise (a publish) it is used as
   * it is, with a warning, until the next applyTopology.
   */
  async ensureExchange(model: ChannelModel, topic: string, options: { migrate?: boolean } = {}): Promise<void> {
    const exchange = names.exchange(topic);
    if (this.exchanges.has(exchange)) return;
    const alternate = names.unroutedExchange(topic);
    const unrouted = names.unroutedQueue(topic);
    await withChannel(model, async (ch) => {
      await ch.assertExchange(alternate, 'fanout', { durable: true });
      // Classic, like the DLQs: peeking requeues with nack, and classic queues keep a requeued message's place.
      await ch.assertQueue(unrouted, { durable: true });
      await ch.bindQueue(unrouted, alternate, '');
    });
    const declare = () => withChannel(model, (ch) => ch.assertExchange(exchange, 'headers', { durable: true, alternateExchange: alternate }));
    try {
      await declare();
    } catch (error) {
      if ((error as { code?: number }).code !== 406) throw error;
      if (!options.migrate) {
        this.logger.warn(`rabbitmq: exchange ${exchange} predates unrouted holding (no alternate exchange); run \`junction topology apply\` or restart an app`);
        this.exchanges.add(exchange);
        return;
      }
      this.logger.warn(`rabbitmq: exchange ${exchange} has no alternate exchange: declaring it again with ${alternate} (its bindings are re-created next)`);
      await withChannel(model, (ch) => ch.deleteExchange(exchange));
      await declare();
    }
    this.exchanges.add(exchange);
    for (const name of [exchange, alternate]) this.declaredExchanges.add(name);
    this.declaredQueues.add(unrouted);
  }

  /**
   * Topic exchange, the subscription's quorum queue, its DLQ, and one binding per type (the correlation
   * filter). Types dropped since the last declaration are unbound: AMQP cannot list bindings, so the bound
   * set is remembered in a one-message queue beside the subscription.
   */
  async ensureSubscription(model: ChannelModel, spec: SubscriptionDeclaration): Promise<void> {
    const exchange = names.exchange(spec.topic);
    const queue = names.queue(spec.topic, spec.subscription);
    const dlq = names.deadLetterQueue(spec.topic, spec.subscription);
    const typesQueue = names.typesQueue(spec.topic, spec.subscription);
    await this.ensureExchange(model, spec.topic);
    // Classic: peeking requeues with nack, and only classic queues put a requeued message back in its place.
    await withChannel(model, (ch) => ch.assertQueue(dlq, { durable: true }));
    await this.assertQuorumQueue(model, queue, {
      'x-queue-type': 'quorum',
      // Crash-loop guard: quorum queues count returns (nack/requeue, and un-acked on channel or connection
      // loss) and dead-letter past the limit. Our own retries are republished copies and do not count here.
      'x-delivery-limit': spec.maxDeliveryCount,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': dlq,
      // At-least-once dead-lettering: the broker keeps the message until the DLQ has confirmed it.
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
    await withConfirmChannel(model, async (ch) => {
      await ch.assertQueue(typesQueue, { durable: true, maxLength: 1, overflow: 'drop-head' });
      const previous = await ch.get(typesQueue, { noAck: false });
      const before = previous ? parseTypes(previous.content) : [];
      for (const type of spec.types) await ch.bindQueue(queue, exchange, '', bindingArgs(type));
      for (const type of before.filter((t) => !spec.types.includes(t))) {
        await ch.unbindQueue(queue, exchange, '', bindingArgs(type));
        this.logger.log(`rabbitmq: unbound type ${type} from ${queue}`);
      }
      await confirmPublish(ch, [{ exchange: '', routingKey: typesQueue, content: Buffer.from(JSON.stringify(spec.types)), options: { persistent: true } }]);
      if (previous) ch.ack(previous);
    });
    for (const q of [queue, dlq, typesQueue]) this.declaredQueues.add(q);
  }

  /** Declares (or renews the lease of) the wait queue for a target and a bucket; returns its name. */
  async ensureWaitQueue(model: ChannelModel, target: WaitTarget, bucketMs: number): Promise<string> {
    const name = 'queue' in target ? names.queueWait(target.queue, bucketMs) : names.topicWait(target.topic, bucketMs);
    const declaredAt = this.waitDeclaredAt.get(name);
    if (declaredAt !== undefined && Date.now() - declaredAt < WAIT_QUEUE_REDECLARE_MS) return name;
    if ('topic' in target) await this.ensureExchange(model, target.topic);
    await withChannel(model, (ch) =>
      ch.assertQueue(name, {
        durable: true,
        messageTtl: bucketMs,
        expires: bucketMs + WAIT_QUEUE_IDLE_MARGIN_MS,
        ...('queue' in target
          ? { deadLetterExchange: '', deadLetterRoutingKey: target.queue }
          : { deadLetterExchange: names.exchange(target.topic) }),
      }),
    );
    this.waitDeclaredAt.set(name, Date.now());
    this.declaredQueues.add(name);
    return name;
  }

  private async assertQuorumQueue(model: ChannelModel, queue: string, args: Record<string, unknown>): Promise<void> {
    try {
      await withChannel(model, (ch) => ch.assertQueue(queue, { durable: true, arguments: args }));
    } catch (error) {
      if ((error as { code?: number }).code !== 406) throw error;
      // Queue arguments are immutable: an existing queue declared with another maxDeliveryCount keeps its
      // own. Use it as it is (a policy or a migration can change it) rather than refusing to consume.
      await withChannel(model, (ch) => ch.checkQueue(queue));
      this.logger.warn(`rabbitmq: queue ${queue} exists with other arguments; using it as declared (${(error as Error).message})`);
    }
  }
}

export function bindingArgs(type: string): Record<string, string> {
  return { 'x-match': 'all', [RabbitHeaders.routingType]: type };
}

function parseTypes(content: Buffer): string[] {
  try {
    const parsed: unknown = JSON.parse(content.toString('utf8'));
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

export async function withChannel<T>(model: ChannelModel, work: (ch: Channel) => Promise<T>): Promise<T> {
  const ch = await model.createChannel();
  return runAndClose(ch, work);
}

export async function withConfirmChannel<T>(model: ChannelModel, work: (ch: ConfirmChannel) => Promise<T>): Promise<T> {
  const ch = await model.createConfirmChannel();
  return runAndClose(ch, work);
}

async function runAndClose<C extends Channel, T>(ch: C, work: (ch: C) => Promise<T>): Promise<T> {
  // The broker closing a channel emits 'error'; without a listener Node would throw it at the process.
  ch.on('error', () => undefined);
  let closed = false;
  ch.on('close', () => (closed = true));
  try {
    return await work(ch);
  } finally {
    if (!closed) await ch.close().catch(() => undefined);
  }
}
