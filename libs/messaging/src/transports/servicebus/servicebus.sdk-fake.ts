import type {
  MessageHandlers,
  PeekMessagesOptions,
  RuleProperties,
  ServiceBusMessage,
  ServiceBusMessageBatch,
  ServiceBusReceivedMessage,
  ServiceBusReceiver,
  ServiceBusReceiverOptions,
  ServiceBusSender,
  SubscribeOptions,
  SubscriptionProperties,
} from '@azure/service-bus';
import type { LoggerService } from '@nestjs/common';

/** Not exported by @azure/service-bus (it lives in @azure/core-amqp, not our dependency). */
type AmqpAnnotatedMessage = ServiceBusReceivedMessage['_rawAmqpMessage'];
import type { ServiceBusAdmin } from './servicebus.provisioner';
import type { ServiceBusClientLike } from './servicebus.transport';

/**
 * Hand-written fakes of the SDK boundary for unit tests: they record what the transport sends and how it
 * settles, and let a test drive `processMessage` the way the SDK's streaming receiver would.
 * Every fake appends to one shared `log`, so tests can assert the order of effects across objects.
 */
export type EventLog = string[];

const notUsed = (name: string) => (): never => {
  throw new Error(`fake: ${name} is not used by the transport`);
};

export class FakeBatch implements ServiceBusMessageBatch {
  readonly messages: ServiceBusMessage[] = [];
  readonly maxSizeInBytes = 1_000;

  constructor(private readonly capacity: number) {}

  get count(): number {
    return this.messages.length;
  }

  get sizeInBytes(): number {
    return this.messages.length * 10;
  }

  tryAddMessage(message: ServiceBusMessage | AmqpAnnotatedMessage): boolean {
    if (this.messages.length >= this.capacity) return false;
    this.messages.push(message as ServiceBusMessage);
    return true;
  }
}

export class FakeSender implements ServiceBusSender {
  readonly identifier = 'fake-sender';
  isClosed = false;
  /** One entry per sendMessages call, with the messages it carried. */
  readonly sends: ServiceBusMessage[][] = [];
  readonly scheduled: Array<{ message: ServiceBusMessage; at: Date }> = [];
  batchCapacity = 100;
  failSchedule?: Error;
  cancelScheduledMessages = notUsed('cancelScheduledMessages');

  constructor(
    readonly entityPath: string,
    private readonly log: EventLog,
  ) {}

  async createMessageBatch(): Promise<ServiceBusMessageBatch> {
    return new FakeBatch(this.batchCapacity);
  }

  async sendMessages(messages: ServiceBusMessage | ServiceBusMessage[] | ServiceBusMessageBatch | AmqpAnnotatedMessage | AmqpAnnotatedMessage[]): Promise<void> {
    const list = messages instanceof FakeBatch ? messages.messages : ([] as ServiceBusMessage[]).concat(messages as ServiceBusMessage);
    this.sends.push(list);
    this.log.push(`send:${this.entityPath}:${list.map((m) => String(m.messageId)).join(',')}`);
  }

  async scheduleMessages(messages: ServiceBusMessage | ServiceBusMessage[] | AmqpAnnotatedMessage | AmqpAnnotatedMessage[], at: Date): Promise<never[]> {
    if (this.failSchedule) throw this.failSchedule;
    for (const message of ([] as ServiceBusMessage[]).concat(messages as ServiceBusMessage)) {
      this.scheduled.push({ message, at });
      this.log.push(`schedule:${this.entityPath}:${String(message.messageId)}`);
    }
    return [];
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.log.push(`sender.close:${this.entityPath}`);
  }
}

export interface Settled {
  readonly action: 'complete' | 'abandon' | 'dead-letter';
  readonly messageId: unknown;
  readonly options?: Record<string, unknown>;
}

export class FakeReceiver implements ServiceBusReceiver {
  readonly identifier = 'fake-receiver';
  readonly receiveMode = 'peekLock' as const;
  isClosed = false;
  handlers?: MessageHandlers;
  subscribeOptions?: SubscribeOptions;
  subscriptionClosed = false;
  readonly settled: Settled[] = [];
  /** What peekMessages serves, in pages of at most `peekPage`. */
  readonly peekable: ServiceBusReceivedMessage[] = [];
  peekPage = Infinity;
  failComplete?: Error;
  getMessageIterator = notUsed('getMessageIterator');
  /** What receiveMessages serves (peek-lock: a message stays here until completed; abandoned ones are served again). */
  readonly receivable: ServiceBusReceivedMessage[] = [];
  private readonly locked = new Set<ServiceBusReceivedMessage>();
  receiveDeferredMessages = notUsed('receiveDeferredMessages');
  deferMessage = notUsed('deferMessage');
  renewMessageLock = notUsed('renewMessageLock');

  constructor(
    readonly entityPath: string,
    readonly options: ServiceBusReceiverOptions | undefined,
    private readonly log: EventLog,
  ) {}

  subscribe(handlers: MessageHandlers, options?: SubscribeOptions): { close(): Promise<void> } {
    this.handlers = handlers;
    this.subscribeOptions = options;
    return {
      close: async () => {
        this.subscriptionClosed = true;
        this.log.push('subscription.close');
      },
    };
  }

  /** What the SDK does for each received message. */
  deliver(message: ServiceBusReceivedMessage): Promise<void> {
    if (!this.handlers) throw new Error('fake: nobody subscribed');
    return this.handlers.processMessage(message);
  }

  async peekMessages(max: number, _options?: PeekMessagesOptions): Promise<ServiceBusReceivedMessage[]> {
    return this.peekable.splice(0, Math.min(max, this.peekPage));
  }

  async receiveMessages(max: number, _options?: { maxWaitTimeInMs?: number }): Promise<ServiceBusReceivedMessage[]> {
    const batch = this.receivable.filter((m) => !this.locked.has(m)).slice(0, max);
    for (const m of batch) this.locked.add(m);
    return batch;
  }

  async completeMessage(message: ServiceBusReceivedMessage): Promise<void> {
    if (this.failComplete) throw this.failComplete;
    this.locked.delete(message);
    const at = this.receivable.indexOf(message);
    if (at !== -1) this.receivable.splice(at, 1);
    this.settle({ action: 'complete', messageId: message.messageId });
  }

  async abandonMessage(message: ServiceBusReceivedMessage): Promise<void> {
    this.locked.delete(message);
    this.settle({ action: 'abandon', messageId: message.messageId });
  }

  async deadLetterMessage(message: ServiceBusReceivedMessage, options?: Record<string, unknown>): Promise<void> {
    this.settle({ action: 'dead-letter', messageId: message.messageId, options });
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.log.push(`receiver.close:${this.entityPath}`);
  }

  private settle(settled: Settled): void {
    this.settled.push(settled);
    this.log.push(`${settled.action}:${String(settled.messageId)}`);
  }
}

export class FakeServiceBusClient implements ServiceBusClientLike {
  readonly log: EventLog = [];
  readonly senders = new Map<string, FakeSender>();
  readonly receivers: FakeReceiver[] = [];
  sendersCreated = 0;
  closed = false;
  /** Set before a receiver is created to prepare it (e.g. fill a dead-letter queue). */
  prepareReceiver?: (receiver: FakeReceiver) => void;

  createSender(topic: string): ServiceBusSender {
    this.sendersCreated++;
    const sender = new FakeSender(topic, this.log);
    this.senders.set(topic, sender);
    return sender;
  }

  createReceiver(queueName: string, options?: ServiceBusReceiverOptions): ServiceBusReceiver;
  createReceiver(topicName: string, subscriptionName: string, options?: ServiceBusReceiverOptions): ServiceBusReceiver;
  createReceiver(topic: string, subscriptionOrOptions?: string | ServiceBusReceiverOptions, options?: ServiceBusReceiverOptions): ServiceBusReceiver {
    if (typeof subscriptionOrOptions !== 'string') throw new Error('fake: the transport only reads subscriptions');
    const receiver = new FakeReceiver(`${topic}/Subscriptions/${subscriptionOrOptions}`, options, this.log);
    this.prepareReceiver?.(receiver);
    this.receivers.push(receiver);
    return receiver;
  }

  sender(topic: string): FakeSender {
    const sender = this.senders.get(topic);
    if (!sender) throw new Error(`fake: no sender for ${topic}`);
    return sender;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.log.push('client.close');
  }
}

export function receivedMessage(over: Partial<ServiceBusReceivedMessage> & { readonly bytes?: string } = {}): ServiceBusReceivedMessage {
  const { bytes, ...rest } = over;
  return {
    messageId: 'm-1',
    subject: 'x.happened',
    contentType: 'application/json',
    body: Buffer.from(bytes ?? '{"n":1}', 'utf8'),
    applicationProperties: { 'x-junction-type': rest.subject ?? 'x.happened' },
    deliveryCount: 0,
    enqueuedTimeUtc: new Date('2026-01-01T00:00:00Z'),
    state: 'active',
    _rawAmqpMessage: { body: undefined, bodyType: 'data' },
    ...rest,
  };
}

export class FakeAdmin implements ServiceBusAdmin {
  readonly calls: string[] = [];
  readonly topics = new Set<string>();
  readonly topicOptions = new Map<string, Parameters<ServiceBusAdmin['createTopic']>[1]>();
  readonly subscriptions = new Map<string, { props: SubscriptionProperties; rules: Map<string, RuleProperties> }>();
  /** What getSubscriptionRuntimeProperties answers, per `topic/subscription`. */
  readonly activeMessageCounts = new Map<string, number>();

  async topicExists(topic: string): Promise<boolean> {
    return this.topics.has(topic);
  }

  async createTopic(topic: string, options?: Parameters<ServiceBusAdmin['createTopic']>[1]): Promise<never> {
    this.calls.push(`createTopic:${topic}`);
    this.topics.add(topic);
    this.topicOptions.set(topic, options);
    return {} as never;
  }

  async getTopic(topic: string): Promise<never> {
    if (!this.topics.has(topic)) throw Object.assign(new Error('not found'), { statusCode: 404 });
    return { name: topic, requiresDuplicateDetection: false, ...this.topicOptions.get(topic) } as never;
  }

  async getSubscriptionRuntimeProperties(topic: string, subscription: string): Promise<never> {
    this.sub(topic, subscription);
    return { topicName: topic, subscriptionName: subscription, activeMessageCount: this.activeMessageCounts.get(`${topic}/${subscription}`) ?? 0 } as never;
  }

  async subscriptionExists(topic: string, subscription: string): Promise<boolean> {
    return this.subscriptions.has(`${topic}/${subscription}`);
  }

  async createSubscription(topic: string, subscription: string, options?: Parameters<ServiceBusAdmin['createSubscription']>[2]): Promise<never> {
    this.calls.push(`createSubscription:${topic}/${subscription}`);
    const rule = options?.defaultRuleOptions ?? { name: '$Default', filter: { sqlExpression: '1=1' } };
    this.subscriptions.set(`${topic}/${subscription}`, {
      props: { topicName: topic, subscriptionName: subscription, ...options } as unknown as SubscriptionProperties,
      rules: new Map([[rule.name, { name: rule.name, filter: rule.filter!, action: {} }]]),
    });
    return {} as never;
  }

  async getSubscription(topic: string, subscription: string): Promise<never> {
    return { ...this.sub(topic, subscription).props } as never;
  }

  async updateSubscription(props: SubscriptionProperties): Promise<never> {
    this.calls.push(`updateSubscription:${props.topicName}/${props.subscriptionName}:maxDeliveryCount=${props.maxDeliveryCount}`);
    this.sub(props.topicName, props.subscriptionName).props = props;
    return {} as never;
  }

  listRules(topic: string, subscription: string): ReturnType<ServiceBusAdmin['listRules']> {
    const rules = [...this.sub(topic, subscription).rules.values()];
    async function* iterate() {
      yield* rules;
    }
    return iterate() as unknown as ReturnType<ServiceBusAdmin['listRules']>;
  }

  async createRule(topic: string, subscription: string, name: string, filter: RuleProperties['filter']): Promise<never> {
    this.calls.push(`createRule:${name}`);
    this.sub(topic, subscription).rules.set(name, { name, filter, action: {} });
    return {} as never;
  }

  async deleteRule(topic: string, subscription: string, name: string): Promise<never> {
    this.calls.push(`deleteRule:${name}`);
    this.sub(topic, subscription).rules.delete(name);
    return {} as never;
  }

  private sub(topic: string, subscription: string) {
    const sub = this.subscriptions.get(`${topic}/${subscription}`);
    if (!sub) throw Object.assign(new Error('not found'), { statusCode: 404 });
    return sub;
  }
}

export class FakeLogger implements LoggerService {
  readonly entries: Array<{ level: string; message: unknown }> = [];
  log = (message: unknown) => this.entries.push({ level: 'log', message });
  warn = (message: unknown) => this.entries.push({ level: 'warn', message });
  error = (message: unknown) => this.entries.push({ level: 'error', message });
}

export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
