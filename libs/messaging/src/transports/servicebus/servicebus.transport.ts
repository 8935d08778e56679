import { Logger, type LoggerService } from '@nestjs/common';
import {
  ServiceBusAdministrationClient,
  ServiceBusClient,
  type ProcessErrorArgs,
  type ServiceBusReceivedMessage,
  type ServiceBusSender,
} from '@azure/service-bus';
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
import { ServiceBusConsumer } from './servicebus.consumer';
import { toDeadLettered, toDelivered, toServiceBusMessage } from './servicebus.mapper';
import { ServiceBusProvisioner, type ServiceBusAdmin } from './servicebus.provisioner';
import { groupForBatches, sendInBatches } from './servicebus.publisher';

/** The client methods the transport uses: what a fake must implement. */
export type ServiceBusClientLike = Pick<ServiceBusClient, 'createSender' | 'createReceiver' | 'close'>;

export interface ServiceBusTransportOptions {
  readonly connectionString: string;
  /**
   * Create topics, subscriptions and rules with the admin client. Defaults to true, except for an emulator
   * connection string (`UseDevelopmentEmulator=true`): the emulator has no admin API and is set up by its
   * config.json, which must then declare every subscription's rules (see `desiredRules`).
   */
  readonly provision?: boolean;
  readonly client?: ServiceBusClientLike;
  readonly adminClient?: ServiceBusAdmin;
  readonly logger?: LoggerService;
  /** Default 256 KiB, the Standard tier's limit; Premium allows up to 100 MB per entity. */
  readonly maxMessageBytes?: number;
  /** How long a receiver error keeps `health()` down unless a message arrives since. */
  readonly errorWindowMs?: number;
}

/** Standard tier (and the emulator): 256 KB per message, headers included. */
export const SERVICE_BUS_STANDARD_MAX_BYTES = 256 * 1024;

export function isEmulatorConnectionString(connectionString: string): boolean {
  return /(^|;)\s*UseDevelopmentEmulator\s*=\s*true\s*(;|$)/i.test(connectionString);
}

interface ReceiverError {
  readonly at: number;
  readonly detail: string;
}

/**
 * Azure Service Bus transport. Topics fan out to subscriptions filtered by correlation rules on `subject`
 * (the envelope type); deliveries are peek-locked and settled explicitly; delayed retries are scheduled
 * copies routed back to the one subscription that retries (see ServiceBusConsumer); per-entity order holds
 * within a process (SessionLanes), not across replicas: that would need session-enabled subscriptions.
 */
/** How long a DLQ scan waits for the next batch: the DLQ is at rest, so an empty wait this long means the end. */
const DLQ_RECEIVE_WAIT_MS = 2_000;

export class ServiceBusTransport implements MessageBus {
  readonly transport = 'servicebus' as const;
  readonly maxMessageBytes: number;
  private readonly logger: LoggerService;
  private readonly provision: boolean;
  private client?: ServiceBusClientLike;
  private provisioner?: ServiceBusProvisioner;
  private readonly senders = new Map<string, ServiceBusSender>();
  private readonly consumers = new Map<string, ServiceBusConsumer>();
  private lastError?: ReceiverError;
  private lastMessageAt = 0;
  private closed = false;

  constructor(private readonly options: ServiceBusTransportOptions) {
    this.logger = options.logger ?? new Logger(ServiceBusTransport.name);
    this.provision = options.provision ?? !isEmulatorConnectionString(options.connectionString);
    this.client = options.client;
    this.maxMessageBytes = options.maxMessageBytes ?? SERVICE_BUS_STANDARD_MAX_BYTES;
  }

  /** The SDK connects lazily on first use; nothing here talks to the broker. */
  async connect(): Promise<void> {
    this.sb();
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.closed) throw new Error('Service Bus bus is closed');
    assertFits(messages, this.maxMessageBytes);
    await Promise.all(
      groupForBatches(messages).map((group) => sendInBatches(this.sender(group[0]!.topic), group.map(toServiceBusMessage))),
    );
  }

  async subscribe(spec: SubscriptionSpec, handler: MessageHandler): Promise<SubscriptionHandle> {
    if (this.closed) throw new Error('Service Bus bus is closed');
    const key = `${spec.topic}/${spec.subscription}`;
    if (this.consumers.has(key)) throw new Error(`subscription ${key} already has a consumer in this process`);
    if (this.provision) await this.admin().ensure(spec);
    const consumer = new ServiceBusConsumer({
      spec,
      handler,
      receiver: this.sb().createReceiver(spec.topic, spec.subscription, { receiveMode: 'peekLock', skipParsingBodyAsJson: true }),
      sender: () => this.sender(spec.topic),
      logger: this.logger,
      onError: (args) => this.recordError(args),
      onMessage: () => (this.lastMessageAt = Date.now()),
      onClosed: () => {
        if (this.consumers.get(key) === consumer) this.consumers.delete(key);
      },
    });
    this.consumers.set(key, consumer);
    consumer.start();
    return consumer;
  }

  /**
   * Provisions the whole topology with the admin client (topics with duplicate detection, subscriptions, rules,
   * each topic's unrouted catch-all). Without provisioning (the emulator, or a key without the Manage claim) the
   * entities must exist already: the emulator's config.json is generated from the same topology.
   */
  async applyTopology(topology: BusTopology): Promise<void> {
    if (!this.provision) return;
    await this.admin().ensureTopology(topology);
  }

  async peekDeadLetters(topic: string, subscription: string, max: number): Promise<DeadLetteredMessage[]> {
    return (await this.peek(topic, subscription, max, 'deadLetter')).map((m) => toDeadLettered(m, topic, subscription));
  }

  /**
   * Receives (peek-lock) up to `scanMax` messages of the subscription's `$deadletterqueue`, completes the ones named
   * and abandons the rest only once the scan is done: while their locks are held they are not received again, so the
   * scan ends; abandoned, they are back in the DLQ (which has no delivery limit).
   */
  async removeDeadLetters(topic: string, subscription: string, messageIds: ReadonlySet<string>, scanMax: number): Promise<number> {
    if (messageIds.size === 0) return 0;
    const receiver = this.sb().createReceiver(topic, subscription, { subQueueType: 'deadLetter', receiveMode: 'peekLock', skipParsingBodyAsJson: true });
    const kept: ServiceBusReceivedMessage[] = [];
    let removed = 0;
    try {
      for (let scanned = 0; scanned < scanMax; ) {
        const batch = await receiver.receiveMessages(Math.min(100, scanMax - scanned), { maxWaitTimeInMs: DLQ_RECEIVE_WAIT_MS });
        if (batch.length === 0) break;
        scanned += batch.length;
        for (const message of batch) {
          if (messageIds.has(String(message.messageId ?? ''))) {
            await receiver.completeMessage(message);
            removed++;
          } else kept.push(message);
        }
      }
      return removed;
    } finally {
      await Promise.all(kept.map((m) => receiver.abandonMessage(m).catch(() => undefined)));
      await receiver.close();
    }
  }

  /** The count comes from the admin client; without provisioning rights, it is what a peek of `max` found. */
  async peekUnrouted(topic: string, max: number): Promise<UnroutedMessages> {
    const found = await this.peek(topic, UNROUTED_SUBSCRIPTION, max);
    const count = this.provision ? await this.admin().activeMessageCount(topic, UNROUTED_SUBSCRIPTION) : found.length;
    return { count: Math.max(count, found.length), messages: found.map((m) => toDelivered(m, topic, UNROUTED_SUBSCRIPTION)) };
  }

  private async peek(topic: string, subscription: string, max: number, subQueueType?: 'deadLetter'): Promise<ServiceBusReceivedMessage[]> {
    const receiver = this.sb().createReceiver(topic, subscription, { subQueueType, skipParsingBodyAsJson: true });
    try {
      // One peek may return fewer than asked although more exist; the receiver's cursor moves on.
      const found: ServiceBusReceivedMessage[] = [];
      while (found.length < max) {
        const page = await receiver.peekMessages(max - found.length);
        if (page.length === 0) break;
        found.push(...page);
      }
      return found;
    } finally {
      await receiver.close();
    }
  }

  health(): BusHealth {
    if (this.closed) return { up: false, detail: 'closed' };
    const error = this.lastError;
    const window = this.options.errorWindowMs ?? 60_000;
    if (error && Date.now() - error.at < window && error.at >= this.lastMessageAt) return { up: false, detail: error.detail };
    return { up: true };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Consumers first: an in-flight retry still needs its topic's sender.
    await Promise.all([...this.consumers.values()].map((c) => c.close()));
    await Promise.all([...this.senders.values()].map((s) => s.close()));
    this.senders.clear();
    await this.client?.close();
    this.client = undefined;
  }

  private recordError(args: ProcessErrorArgs): void {
    const detail = `${args.errorSource} on ${args.entityPath}: ${args.error.message}`;
    this.lastError = { at: Date.now(), detail };
    this.logger.error({
      message: 'Service Bus receiver error',
      errorSource: args.errorSource,
      entityPath: args.entityPath,
      code: (args.error as { code?: string }).code,
      error: args.error.message,
    });
  }

  /** Still usable while closing (in-flight retries schedule copies); not once the client is closed. */
  private sb(): ServiceBusClientLike {
    if (this.client) return this.client;
    if (this.closed) throw new Error('Service Bus bus is closed');
    this.client = new ServiceBusClient(this.options.connectionString);
    return this.client;
  }

  private sender(topic: string): ServiceBusSender {
    let sender = this.senders.get(topic);
    if (!sender) this.senders.set(topic, (sender = this.sb().createSender(topic)));
    return sender;
  }

  private admin(): ServiceBusProvisioner {
    this.provisioner ??= new ServiceBusProvisioner(
      this.options.adminClient ?? new ServiceBusAdministrationClient(this.options.connectionString),
      this.logger,
    );
    return this.provisioner;
  }
}
