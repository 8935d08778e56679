import { UNROUTED_SUBSCRIPTION } from '@junction/contracts';
import {
  assertFits,
  bodyJson,
  type BusHealth,
  type BusTopology,
  type DeadLetteredMessage,
  type DeliveredMessage,
  type MessageBus,
  type MessageHandler,
  type OutgoingMessage,
  type Settlement,
  type SubscriptionDeclaration,
  type SubscriptionHandle,
  type SubscriptionSpec,
  type UnroutedMessages,
} from '../../bus/message-bus.port';
import { finalSettlement, settlementForThrown } from '../../bus/settlement';
import { SessionLanes } from '../session-lanes';

interface QueuedMessage {
  readonly seq: number;
  readonly messageId: string;
  readonly type: string;
  readonly rawBody: string;
  readonly sessionId?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly enqueuedAt: Date;
  visibleAt: number;
  deliveryCount: number;
}

/**
 * A subscription's queue. It outlives its consumer: messages published while nobody listens wait, as on a
 * broker, so a restarted consumer (or a second one) picks them up.
 */
class MemorySubscription {
  readonly queue: QueuedMessage[] = [];
  readonly deadLetters: DeadLetteredMessage[] = [];
  consumer?: MemoryConsumer;

  constructor(
    public spec: SubscriptionSpec,
    readonly topic: string,
  ) {}

  /** Declared by a topology, not (yet) consumed: it holds messages, one at a time once a consumer comes. */
  static declared(declaration: SubscriptionDeclaration): MemorySubscription {
    return new MemorySubscription({ ...declaration, concurrency: 1 }, declaration.topic);
  }

  accepts(type: string): boolean {
    return this.spec.types.includes(type);
  }
}

class MemoryConsumer implements SubscriptionHandle {
  private readonly lanes = new SessionLanes();
  private inFlight = 0;
  private closing = false;
  private timer?: NodeJS.Timeout;
  private readonly idle = new Set<() => void>();

  constructor(
    private readonly sub: MemorySubscription,
    private readonly handler: MessageHandler,
  ) {}

  /** Starts as many deliveries as concurrency and per-session order allow. */
  pump(): void {
    if (this.closing) return;
    const now = Date.now();
    let nextVisible = Infinity;
    const blockedSessions = new Set<string>();
    for (let i = 0; i < this.sub.queue.length && this.inFlight < this.sub.spec.concurrency; ) {
      const item = this.sub.queue[i]!;
      if (item.visibleAt > now) {
        nextVisible = Math.min(nextVisible, item.visibleAt);
        i++;
        continue;
      }
      // Order per entity: only the oldest visible message of a session may start, and only when that
      // session has nothing in flight.
      if (item.sessionId !== undefined) {
        if (blockedSessions.has(item.sessionId) || this.lanes.busy(item.sessionId)) {
          blockedSessions.add(item.sessionId);
          i++;
          continue;
        }
        blockedSessions.add(item.sessionId);
      }
      this.sub.queue.splice(i, 1);
      this.deliver(item);
    }
    if (nextVisible !== Infinity) this.arm(nextVisible - now);
  }

  private arm(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), Math.max(0, delayMs));
    this.timer.unref?.();
  }

  private deliver(item: QueuedMessage): void {
    this.inFlight++;
    item.deliveryCount++;
    if (item.sessionId !== undefined) this.lanes.enter(item.sessionId);
    const delivered = toDelivered(item, this.sub.topic, this.sub.spec.subscription);
    void this.handler(delivered)
      .catch(settlementForThrown)
      .then((settlement) => this.settle(item, delivered, settlement))
      .finally(() => {
        this.inFlight--;
        if (item.sessionId !== undefined) this.lanes.leave(item.sessionId);
        if (this.inFlight === 0) for (const resolve of this.idle) resolve();
        queueMicrotask(() => this.sub.consumer?.pump());
      });
  }

  private settle(item: QueuedMessage, delivered: DeliveredMessage, settlement: Settlement): void {
    const final = finalSettlement(settlement, item.deliveryCount, this.sub.spec.maxDeliveryCount);
    switch (final.action) {
      case 'complete':
        return;
      case 'retry':
        item.visibleAt = Date.now() + final.delayMs;
        insertInOrder(this.sub.queue, item);
        return;
      case 'dead-letter':
        this.sub.deadLetters.push({ ...delivered, reason: final.reason, description: final.description });
        return;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.sub.consumer === this) this.sub.consumer = undefined;
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
  }
}

function insertInOrder(queue: QueuedMessage[], item: QueuedMessage): void {
  // A retried message keeps its place among its session's messages (it was published first).
  const at = queue.findIndex((q) => q.seq > item.seq);
  if (at === -1) queue.push(item);
  else queue.splice(at, 0, item);
}

function toDelivered(item: QueuedMessage, topic: string, subscription: string): DeliveredMessage {
  let body: unknown;
  let parsed = false;
  return {
    messageId: item.messageId,
    type: item.type,
    topic,
    subscription,
    // Parsed when first read: a delivery its consumer acknowledges unread (see JunctionServer's requiresHeader)
    // costs no JSON.parse.
    get body() {
      if (!parsed) {
        parsed = true;
        try {
          body = JSON.parse(item.rawBody);
        } catch {
          body = undefined;
        }
      }
      return body;
    },
    rawBody: item.rawBody,
    deliveryCount: item.deliveryCount,
    sessionId: item.sessionId,
    headers: item.headers,
    enqueuedAt: item.enqueuedAt,
  };
}

/**
 * The in-process "broker": topics and subscription queues. Several MemoryTransports (one per app in
 * standalone mode, one per simulated process in tests) share one broker, as processes share RabbitMQ.
 */
export class MemoryBroker {
  readonly topics = new Map<string, Map<string, MemorySubscription>>();
  /** Per topic, what no subscription took: `count` is exact, `held` keeps the newest UNROUTED_HELD_MAX. */
  readonly unrouted = new Map<string, { count: number; held: QueuedMessage[] }>();
  seq = 0;
}

/**
 * The brokers hold unrouted messages without bound (an operator watches the count). In memory that bound is the
 * process's heap, and nothing survives a restart anyway: the oldest go first past this many per topic.
 */
export const UNROUTED_HELD_MAX = 10_000;

/**
 * In-process transport with the same semantics as the brokers: fan-out, type filters, explicit settlement,
 * delivery counts, max deliveries, scheduled delivery, per-session order, dead-letter queues. Nothing
 * survives the process: the outbox in Postgres is what makes standalone mode lose nothing acknowledged.
 */
export class MemoryTransport implements MessageBus {
  readonly transport = 'memory' as const;
  private readonly consumers = new Set<MemoryConsumer>();
  private closed = false;

  /**
   * `maxMessageBytes` defaults to Service Bus Standard's limit, so that what standalone mode accepts, production
   * accepts too.
   */
  constructor(
    private readonly broker: MemoryBroker = new MemoryBroker(),
    readonly maxMessageBytes = 256 * 1024,
  ) {}

  private get topics() {
    return this.broker.topics;
  }

  async connect(): Promise<void> {
    this.closed = false;
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new Error('memory bus is closed');
    assertFits(messages, this.maxMessageBytes);
    const touched = new Set<MemorySubscription>();
    for (const m of messages) {
      // Serialize like a wire would: consumers must never share object identity with producers.
      const rawBody = bodyJson(m.body);
      const queued = (): QueuedMessage => ({
        seq: ++this.broker.seq,
        messageId: m.messageId,
        type: m.type,
        rawBody,
        sessionId: m.sessionId,
        headers: { ...m.headers },
        enqueuedAt: new Date(),
        visibleAt: m.scheduledAt?.getTime() ?? 0,
        deliveryCount: 0,
      });
      let routed = false;
      for (const sub of this.topics.get(m.topic)?.values() ?? []) {
        if (!sub.accepts(m.type)) continue;
        sub.queue.push(queued());
        touched.add(sub);
        routed = true;
      }
      if (!routed) this.holdUnrouted(m.topic, queued());
    }
    for (const sub of touched) sub.consumer?.pump();
  }

  async applyTopology(topology: BusTopology): Promise<void> {
    for (const topic of topology.topics) if (!this.topics.has(topic)) this.topics.set(topic, new Map());
    for (const declaration of topology.subscriptions) {
      const subs = this.topicSubscriptions(declaration.topic);
      const existing = subs.get(declaration.subscription);
      if (!existing) subs.set(declaration.subscription, MemorySubscription.declared(declaration));
      // A running consumer keeps its concurrency; the filter and delivery limit are the declaration's.
      else existing.spec = { ...existing.spec, types: declaration.types, maxDeliveryCount: declaration.maxDeliveryCount };
    }
  }

  async peekUnrouted(topic: string, max: number): Promise<UnroutedMessages> {
    const unrouted = this.broker.unrouted.get(topic);
    if (!unrouted) return { count: 0, messages: [] };
    return { count: unrouted.count, messages: unrouted.held.slice(0, max).map((item) => toDelivered(item, topic, UNROUTED_SUBSCRIPTION)) };
  }

  private holdUnrouted(topic: string, item: QueuedMessage): void {
    let unrouted = this.broker.unrouted.get(topic);
    if (!unrouted) this.broker.unrouted.set(topic, (unrouted = { count: 0, held: [] }));
    unrouted.count++;
    unrouted.held.push(item);
    if (unrouted.held.length > UNROUTED_HELD_MAX) unrouted.held.shift();
  }

  async subscribe(spec: SubscriptionSpec, handler: MessageHandler): Promise<SubscriptionHandle> {
    const sub = this.ensureSubscription(spec);
    if (sub.consumer) throw new Error(`subscription ${spec.topic}/${spec.subscription} already has a consumer in this process`);
    const consumer = new MemoryConsumer(sub, handler);
    sub.consumer = consumer;
    this.consumers.add(consumer);
    consumer.pump();
    return consumer;
  }

  async peekDeadLetters(topic: string, subscription: string, max: number): Promise<DeadLetteredMessage[]> {
    return (this.topics.get(topic)?.get(subscription)?.deadLetters ?? []).slice(0, max);
  }

  async removeDeadLetters(topic: string, subscription: string, messageIds: ReadonlySet<string>, scanMax: number): Promise<number> {
    const dlq = this.topics.get(topic)?.get(subscription)?.deadLetters;
    if (!dlq) return 0;
    let removed = 0;
    for (let i = 0, scanned = 0; i < dlq.length && scanned < scanMax; scanned++) {
      if (messageIds.has(dlq[i]!.messageId)) {
        dlq.splice(i, 1);
        removed++;
      } else i++;
    }
    return removed;
  }

  health(): BusHealth {
    return this.closed ? { up: false, detail: 'closed' } : { up: true };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.consumers].map((c) => c.close()));
    this.consumers.clear();
  }

  private topicSubscriptions(topic: string): Map<string, MemorySubscription> {
    let subs = this.topics.get(topic);
    if (!subs) this.topics.set(topic, (subs = new Map()));
    return subs;
  }

  private ensureSubscription(spec: SubscriptionSpec): MemorySubscription {
    const subs = this.topicSubscriptions(spec.topic);
    let sub = subs.get(spec.subscription);
    if (!sub) subs.set(spec.subscription, (sub = new MemorySubscription(spec, spec.topic)));
    // Like updating a subscription's rules: the latest declaration wins.
    sub.spec = spec;
    return sub;
  }
}
