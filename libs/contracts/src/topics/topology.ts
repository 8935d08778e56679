import { crmWorkerCommands } from '../messages/crm.messages';
import { erpWorkerCommands } from '../messages/erp.messages';
import { mcpGatewayCommands } from '../messages/mcp.messages';
import { linkedinWorkerCommands } from '../messages/linkedin.messages';
import { redditAnalyzerCommands } from '../messages/reddit.messages';
import { Messages, type MessageType } from '../messages/registry';
import { Subscriptions, Topics, type SubscriptionName, type Topic } from './topics';

/**
 * Which message types each app's subscription takes: the one source of the broker topology. Every app declares
 * all of it at start (`applyTopology`), and so does `junction topology apply`; the Service Bus emulator's
 * config.json is generated from it (`npm run topology:emulator`). So a subscription exists before the first
 * message for it is published, whichever process starts first, and no consumer's start-up can unbind another's.
 *
 * An app's `@EventPattern` handlers must be exactly its entry here (JunctionServer checks at start). A type no
 * subscription takes goes to its topic's `unrouted` holding queue, counted and visible, never dropped.
 * WARNING: like topic names, these are broker state: removing a type stops it reaching the app at once.
 */
export const Consumers: Readonly<Record<SubscriptionName, readonly MessageType[]>> = {
  [Subscriptions.erpWorker]: erpWorkerCommands,
  [Subscriptions.crmWorker]: crmWorkerCommands,
  [Subscriptions.linkedinWorker]: linkedinWorkerCommands,
  [Subscriptions.redditAnalyzer]: redditAnalyzerCommands,
  // mcp-gateway also records every command's answer (command_result), so that an MCP tool call can return it.
  [Subscriptions.mcpGateway]: [...mcpGatewayCommands, ...commandReplyTypes()],
  [Subscriptions.batchScheduler]: [],
  // metrics-aggregator folds every provider call into its metric windows.
  [Subscriptions.metricsAggregator]: ['integration.call.recorded'],
  [Subscriptions.webhookIngress]: ['webhooks.received'],
};

/** Every event that answers a command (its success event and `<command>.failed`), in registry order. */
export function commandReplyTypes(): MessageType[] {
  return Object.values(Messages).flatMap((definition) => {
    const replies = (definition as { replies?: { succeeded: MessageType; failed: MessageType } }).replies;
    return replies ? [replies.succeeded, replies.failed] : [];
  });
}

/** Per topic, the subscription that holds what no other subscription takes. Not an app: nothing consumes it. */
export const UNROUTED_SUBSCRIPTION = 'unrouted';

export interface TopologySubscription {
  readonly topic: Topic;
  readonly subscription: SubscriptionName;
  readonly types: readonly MessageType[];
}

export interface ContractTopology {
  /** Every topic, whether or not anything consumes it yet (producers may publish to it). */
  readonly topics: readonly Topic[];
  /** One per (app, topic) the app consumes from, in a stable order. */
  readonly subscriptions: readonly TopologySubscription[];
}

export function contractTopology(consumers: Readonly<Record<string, readonly MessageType[]>> = Consumers): ContractTopology {
  const subscriptions: TopologySubscription[] = [];
  for (const [subscription, types] of Object.entries(consumers)) {
    const byTopic = new Map<Topic, MessageType[]>();
    for (const type of types) {
      const topic = Messages[type].topic;
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), type]);
    }
    for (const [topic, topicTypes] of byTopic) subscriptions.push({ topic, subscription: subscription as SubscriptionName, types: topicTypes });
  }
  return { topics: Object.values(Topics), subscriptions };
}

/** The types `subscription` takes from `topic` by the contracts, or undefined for a subscription not in them. */
export function contractTypes(topic: string, subscription: string): readonly MessageType[] | undefined {
  if (!Object.prototype.hasOwnProperty.call(Consumers, subscription)) return undefined;
  return Consumers[subscription as SubscriptionName].filter((type) => Messages[type].topic === topic);
}
