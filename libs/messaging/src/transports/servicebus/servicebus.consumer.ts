import type { LoggerService } from '@nestjs/common';
import type { ProcessErrorArgs, ServiceBusReceivedMessage, ServiceBusReceiver, ServiceBusSender } from '@azure/service-bus';
import type { DeliveredMessage, MessageHandler, Settlement, SubscriptionHandle, SubscriptionSpec } from '../../bus/message-bus.port';
import { finalSettlement, settlementForThrown } from '../../bus/settlement';
import { SessionLanes } from '../session-lanes';
import { toDelivered, toRetryCopy } from './servicebus.mapper';

export interface ServiceBusConsumerDeps {
  readonly spec: SubscriptionSpec;
  readonly handler: MessageHandler;
  /** Peek-lock receiver of the subscription, created with `skipParsingBodyAsJson`. */
  readonly receiver: ServiceBusReceiver;
  /** The topic's sender: retry copies are scheduled onto the topic the message came from. */
  readonly sender: () => ServiceBusSender;
  readonly logger: LoggerService;
  /** Receiver errors, reported to the transport's health. */
  readonly onError: (args: ProcessErrorArgs) => void;
  readonly onMessage: () => void;
  readonly onClosed: () => void;
}

/** Service Bus caps dead-letter reason/description (application properties); keep well under it. */
const maxDeadLetterText = 1024;

/**
 * One (topic, subscription) consumer: peek-lock, explicit settlement, per-session order in this process.
 * The SDK calls `processMessage` up to `concurrency` times at once and gives a slot back when it resolves,
 * so each call resolves only after its message is settled.
 */
export class ServiceBusConsumer implements SubscriptionHandle {
  private readonly lanes = new SessionLanes();
  private readonly idle = new Set<() => void>();
  private inFlight = 0;
  private stopping = false;
  private closed?: Promise<void>;
  private sdkSubscription?: { close(): Promise<void> };

  constructor(private readonly deps: ServiceBusConsumerDeps) {}

  start(): void {
    this.sdkSubscription = this.deps.receiver.subscribe(
      {
        processMessage: (message) => this.process(message),
        processError: async (args) => this.deps.onError(args),
      },
      { autoCompleteMessages: false, maxConcurrentCalls: this.deps.spec.concurrency },
    );
  }

  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    try {
      await this.sdkSubscription?.close();
    } catch (error) {
      this.deps.logger.warn({ message: 'stopping the Service Bus subscription failed', ...this.where(), error: String(error) });
    }
    // Graceful: everything already handed to us (running or waiting in its session lane) settles first.
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
    try {
      await this.deps.receiver.close();
    } finally {
      this.deps.onClosed();
    }
  }

  private async process(received: ServiceBusReceivedMessage): Promise<void> {
    this.deps.onMessage();
    if (this.stopping) {
      // Arrived while stopping: give it back at once rather than hold its lock until it expires.
      await this.attempt('abandon', received, () => this.deps.receiver.abandonMessage(received));
      return;
    }
    this.inFlight++;
    try {
      // Lanes are entered synchronously, in the order the SDK hands messages over: that is session order.
      await this.lanes.run(received.sessionId, () => this.handle(received));
    } finally {
      if (--this.inFlight === 0) for (const resolve of this.idle) resolve();
    }
  }

  private async handle(received: ServiceBusReceivedMessage): Promise<void> {
    const { spec, handler } = this.deps;
    const delivered = toDelivered(received, spec.topic, spec.subscription);
    let settlement: Settlement;
    try {
      settlement = await handler(delivered);
    } catch (error) {
      settlement = settlementForThrown(error);
    }
    await this.settle(received, delivered, finalSettlement(settlement, delivered.deliveryCount, spec.maxDeliveryCount));
  }

  private async settle(received: ServiceBusReceivedMessage, delivered: DeliveredMessage, settlement: Settlement): Promise<void> {
    const { receiver } = this.deps;
    switch (settlement.action) {
      case 'complete':
        await this.attempt('complete', received, () => receiver.completeMessage(received));
        return;
      case 'dead-letter':
        await this.attempt('dead-letter', received, () =>
          receiver.deadLetterMessage(received, {
            deadLetterReason: settlement.reason.slice(0, maxDeadLetterText),
            deadLetterErrorDescription: settlement.description.slice(0, maxDeadLetterText),
          }),
        );
        return;
      case 'retry':
        await this.retry(received, delivered, settlement.delayMs);
        return;
    }
  }

  /**
   * Abandon cannot delay, so a retry is a copy scheduled onto the topic, then the original completed. Schedule
   * first, complete second: a crash in between duplicates (the idempotent consumer absorbs it), never loses.
   */
  private async retry(received: ServiceBusReceivedMessage, delivered: DeliveredMessage, delayMs: number): Promise<void> {
    const copy = toRetryCopy(received, this.deps.spec.subscription, delivered.deliveryCount + 1);
    const scheduled = await this.attempt('schedule retry', received, () =>
      this.deps.sender().scheduleMessages(copy, new Date(Date.now() + Math.max(0, delayMs))),
    );
    if (scheduled) {
      await this.attempt('complete', received, () => this.deps.receiver.completeMessage(received));
    } else {
      // No copy exists: let the broker redeliver the original (counts a delivery, so max deliveries still holds).
      await this.attempt('abandon', received, () => this.deps.receiver.abandonMessage(received));
    }
  }

  /** Settlement failures (lock lost, connection drop) are logged, never thrown: the broker redelivers. */
  private async attempt(what: string, received: ServiceBusReceivedMessage, op: () => Promise<unknown>): Promise<boolean> {
    try {
      await op();
      return true;
    } catch (error) {
      this.deps.logger.warn({
        message: `Service Bus ${what} failed; the broker will redeliver`,
        ...this.where(),
        messageId: received.messageId,
        correlationId: received.correlationId,
        error: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  }

  private where() {
    return { topic: this.deps.spec.topic, subscription: this.deps.spec.subscription };
  }
}
