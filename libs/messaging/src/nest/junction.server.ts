import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { Consumers, isMessageType, Messages, type MessageType } from '@junction/contracts';
import { lastValueFrom, isObservable } from 'rxjs';
import type { DeliveredMessage, MessageBus, Settlement, SubscriptionHandle } from '../bus/message-bus.port';
import { complete } from '../bus/settlement';
import { MessageDispatcher, type DispatcherOptions, type TypedHandler } from './message-dispatcher';

export interface JunctionServerOptions extends Omit<DispatcherOptions, 'logger'> {
  bus: MessageBus;
  /** This app's subscription name (one per topic it consumes). */
  subscription: string;
  concurrency: number;
}

/**
 * Nest custom transport over the MessageBus port: `@EventPattern('erp.customer.create')` methods become
 * subscriptions. Patterns are message types from contracts; the topic of each comes from the registry, so
 * an app subscribes to exactly the topics (and types) it has handlers for.
 *
 * `@EventPattern(type, { requiresHeader: 'name' })`: deliveries of that type without the header are
 * acknowledged unread (no parsing, no span, no handler). For a consumer the producer marks the messages it has
 * work for, such as webhook-ingress's router, which is only concerned with events of endpoints that have routes.
 */
export class JunctionServer extends Server implements CustomTransportStrategy {
  private readonly subscriptions: SubscriptionHandle[] = [];
  private readonly handlers = new Map<string, TypedHandler | undefined>();

  constructor(private readonly options: JunctionServerOptions) {
    super();
  }

  async listen(callback: (...optionalParams: unknown[]) => unknown): Promise<void> {
    try {
      await this.options.bus.connect();
      const dispatcher = new MessageDispatcher((type) => this.typedHandler(type), { ...this.options, transport: this.options.bus.transport, logger: this.logger as never });
      for (const [topic, types] of this.patternsByTopic()) {
        const spec = {
          topic,
          subscription: this.options.subscription,
          types,
          maxDeliveryCount: this.options.maxDeliveryCount,
          concurrency: this.options.concurrency,
        };
        const required = new Map(types.map((type) => [type, this.requiredHeader(type)]));
        const consume = (delivery: DeliveredMessage): Promise<Settlement> => {
          const header = required.get(delivery.type);
          return header !== undefined && delivery.headers[header] === undefined ? Promise.resolve(complete) : dispatcher.dispatch(delivery);
        };
        this.subscriptions.push(await this.options.bus.subscribe(spec, consume));
        this.logger.log(`consuming ${types.join(', ')} from ${topic} as ${this.options.subscription} (${this.options.bus.transport})`);
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Graceful: in-flight handlers settle before this resolves; nothing in flight is abandoned. */
  async close(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((s) => s.close()));
  }

  on(): never {
    throw new Error('JunctionServer does not support event listeners; use the bus health()');
  }

  unwrap<T>(): T {
    return this.options.bus as T;
  }

  private patternsByTopic(): Map<string, string[]> {
    const byTopic = new Map<string, string[]>();
    this.assertMatchesContracts();
    for (const pattern of this.messageHandlers.keys()) {
      if (!isMessageType(pattern)) {
        // Fail at start-up, not at the first message: a typo here would silently consume nothing.
        throw new Error(`@EventPattern('${pattern}') is not a message type in @junction/contracts`);
      }
      const topic = Messages[pattern as MessageType].topic;
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), pattern]);
    }
    return byTopic;
  }

  /**
   * An app's handlers are exactly its entry in the contracts' topology (Consumers): the broker subscription is
   * declared from there by every app, so a handler missing there would never be delivered to, and a type listed
   * there without a handler would be dead-lettered as NO_HANDLER. Subscriptions not in the contracts (tests,
   * tools) go by their handlers alone.
   */
  private assertMatchesContracts(): void {
    const subscription = this.options.subscription;
    if (!Object.prototype.hasOwnProperty.call(Consumers, subscription)) return;
    const declared = new Set<string>(Consumers[subscription as keyof typeof Consumers]);
    const handled = new Set(this.messageHandlers.keys());
    const unlisted = [...handled].filter((t) => !declared.has(t));
    const unhandled = [...declared].filter((t) => !handled.has(t));
    if (unlisted.length > 0 || unhandled.length > 0) {
      throw new Error(
        `${subscription}: its @EventPattern handlers and its entry in Consumers (libs/contracts/src/topics/topology.ts) disagree:` +
          `${unlisted.length > 0 ? ` handled but not listed: ${unlisted.join(', ')};` : ''}${unhandled.length > 0 ? ` listed but not handled: ${unhandled.join(', ')}` : ''}`,
      );
    }
  }

  private requiredHeader(type: string): string | undefined {
    const extras = this.messageHandlers.get(type)?.extras as { requiresHeader?: unknown } | undefined;
    return typeof extras?.requiresHeader === 'string' ? extras.requiresHeader : undefined;
  }

  /**
   * Resolved once per type: Nest's getHandlerByPattern tries JSON.parse on the pattern first (a thrown and caught
   * SyntaxError for every plain string), which cost ~20 µs per consumed message.
   */
  private typedHandler(type: string): TypedHandler | undefined {
    if (this.handlers.has(type)) return this.handlers.get(type);
    const handler = this.getHandlerByPattern(type);
    const typed: TypedHandler | undefined = handler
      ? async (message, delivery) => {
          const result = await handler(message, delivery);
          if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
        }
      : undefined;
    this.handlers.set(type, typed);
    return typed;
  }
}
