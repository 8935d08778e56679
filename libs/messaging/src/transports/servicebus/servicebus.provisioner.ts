import { createHash } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import type { CorrelationRuleFilter, ServiceBusAdministrationClient, SqlRuleFilter } from '@azure/service-bus';
import { UNROUTED_SUBSCRIPTION } from '@junction/contracts';
import type { BusTopology, SubscriptionDeclaration } from '../../bus/message-bus.port';
import { retrySubject } from './servicebus.mapper';

/** The admin client's methods the provisioner uses: what a fake must implement. */
export type ServiceBusAdmin = Pick<
  ServiceBusAdministrationClient,
  | 'topicExists'
  | 'createTopic'
  | 'getTopic'
  | 'subscriptionExists'
  | 'createSubscription'
  | 'getSubscription'
  | 'updateSubscription'
  | 'getSubscriptionRuntimeProperties'
  | 'listRules'
  | 'createRule'
  | 'deleteRule'
>;

export interface DesiredRule {
  readonly name: string;
  readonly filter: CorrelationRuleFilter | SqlRuleFilter;
}

/** One subscription as Service Bus holds it; the emulator's config.json says the same (servicebus.emulator-config.ts). */
export interface PlannedSubscription {
  readonly name: string;
  readonly maxDeliveryCount: number;
  readonly rules: readonly DesiredRule[];
}

export interface PlannedTopic {
  readonly name: string;
  readonly subscriptions: readonly PlannedSubscription[];
}

const defaultRuleName = '$Default';
const typeRulePrefix = 'type.';
const unroutedRulePrefix = 'junction-unrouted-';
export const retryRuleName = 'junction-retry';

/**
 * Duplicate detection on every topic, keyed on the broker messageId (= envelope id): a relay that re-publishes
 * rows after a crash between the broker's ack and its own commit is absorbed here, before any consumer. Ten
 * minutes outlasts the relay's longest backoff (30 s) and a restart; the emulator allows five at most.
 */
export const DUPLICATE_DETECTION_WINDOW = 'PT10M';

/**
 * The correlation rules a subscription needs: one per envelope type on `subject`, plus the rule that lets
 * this subscription's own retry copies back in. Without the retry rule a retried message is silently lost,
 * so an emulator config.json (no admin client there) must declare it too.
 */
export function desiredRules(spec: Pick<SubscriptionDeclaration, 'subscription' | 'types'>): DesiredRule[] {
  return [
    ...[...new Set(spec.types)].map((type) => ({ name: typeRuleName(type), filter: { subject: type } })),
    { name: retryRuleName, filter: { subject: retrySubject(spec.subscription) } },
  ];
}

/**
 * The catch-all of a topic's `unrouted` subscription: every subject no subscription's type rule takes. Retry
 * copies (`retry:<subscription>`) always have their one taker. A subject-less message (another producer's) has no
 * taker either, so it is held too. Rules cannot be changed in place: the name carries a hash of the expression, so
 * a new rule is added before the old one goes, and no message falls between them.
 */
export function unroutedRule(takenTypes: readonly string[]): DesiredRule {
  const quoted = [...new Set(takenTypes)].sort().map((type) => `'${type.replaceAll("'", "''")}'`);
  const notRetry = "sys.Label NOT LIKE 'retry:%'";
  const sqlExpression = `sys.Label IS NULL OR (${quoted.length > 0 ? `sys.Label NOT IN (${quoted.join(', ')}) AND ` : ''}${notRetry})`;
  const hash = createHash('sha256').update(sqlExpression).digest('hex').slice(0, 12);
  return { name: `${unroutedRulePrefix}${hash}`, filter: { sqlExpression } };
}

/** What Azure provisioning and the emulator's config both hold for a topology: one source for both. */
export function serviceBusPlan(topology: BusTopology, unroutedMaxDeliveryCount = 10): PlannedTopic[] {
  return topology.topics.map((topic) => {
    const declared = topology.subscriptions.filter((s) => s.topic === topic);
    return {
      name: topic,
      subscriptions: [
        ...declared.map((s) => ({ name: s.subscription, maxDeliveryCount: s.maxDeliveryCount, rules: desiredRules(s) })),
        { name: UNROUTED_SUBSCRIPTION, maxDeliveryCount: unroutedMaxDeliveryCount, rules: [unroutedRule(declared.flatMap((s) => s.types))] },
      ],
    };
  });
}

/**
 * Rule names: 1–50 characters, alphanumerics, periods, hyphens and underscores, starting and ending with an
 * alphanumeric. A type that does not fit gets a stable hashed name.
 */
export function typeRuleName(type: string): string {
  const plain = `${typeRulePrefix}${type}`;
  if (plain.length <= 50 && /^[A-Za-z0-9._-]*[A-Za-z0-9]$/.test(plain)) return plain;
  const hash = createHash('sha256').update(type).digest('hex').slice(0, 16);
  const readable = type.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 50 - typeRulePrefix.length - hash.length - 1);
  return `${typeRulePrefix}${readable}-${hash}`;
}

/**
 * Creates topics, subscriptions and rules with the admin client (Azure; the emulator has none and is
 * configured by its config.json). Idempotent and safe against a replica doing the same at the same time.
 */
export class ServiceBusProvisioner {
  private readonly warnedTopics = new Set<string>();

  constructor(
    private readonly admin: ServiceBusAdmin,
    private readonly logger?: LoggerService,
  ) {}

  /**
   * The whole topology in three passes, so that no message is dropped while it changes: every wanted rule is
   * added first (a type gets its subscription's rule before the unrouted catch-all stops taking it), then
   * unwanted rules go (a type leaves the catch-all's exclusions before its old rule is deleted).
   */
  async ensureTopology(topology: BusTopology): Promise<void> {
    const plan = serviceBusPlan(topology);
    for (const topic of plan) await this.ensureTopic(topic.name);
    for (const topic of plan) for (const sub of topic.subscriptions) await this.ensureSubscription(topic.name, sub);
    for (const topic of plan) for (const sub of topic.subscriptions) await this.pruneRules(topic.name, sub);
  }

  /** One subscription, as a consumer declares it when it starts (after the topology, so nothing changes usually). */
  async ensure(spec: SubscriptionDeclaration): Promise<void> {
    const planned = { name: spec.subscription, maxDeliveryCount: spec.maxDeliveryCount, rules: desiredRules(spec) };
    await this.ensureTopic(spec.topic);
    await this.ensureSubscription(spec.topic, planned);
    await this.pruneRules(spec.topic, planned);
  }

  async activeMessageCount(topic: string, subscription: string): Promise<number> {
    return (await this.admin.getSubscriptionRuntimeProperties(topic, subscription)).activeMessageCount;
  }

  private async ensureTopic(topic: string): Promise<void> {
    if (!(await this.admin.topicExists(topic))) {
      await ignoreExists(() =>
        this.admin.createTopic(topic, { requiresDuplicateDetection: true, duplicateDetectionHistoryTimeWindow: DUPLICATE_DETECTION_WINDOW }),
      );
      return;
    }
    if (this.warnedTopics.has(topic)) return;
    const current = await this.admin.getTopic(topic);
    if (!current.requiresDuplicateDetection) {
      // Immutable after creation: only recreating the topic (drained first) turns it on.
      this.warnedTopics.add(topic);
      this.logger?.warn(`Service Bus topic ${topic} was created without duplicate detection; recreate it to enable it (the idempotent consumer still absorbs duplicates)`);
    }
  }

  private async ensureSubscription(topic: string, sub: PlannedSubscription): Promise<void> {
    if (!(await this.admin.subscriptionExists(topic, sub.name))) {
      // Created with our first rule instead of $Default (a TrueFilter), so there is never a window in which
      // the subscription takes every type on the topic.
      const [first] = sub.rules;
      await ignoreExists(() =>
        this.admin.createSubscription(topic, sub.name, {
          maxDeliveryCount: sub.maxDeliveryCount,
          deadLetteringOnMessageExpiration: true,
          defaultRuleOptions: { name: first!.name, filter: first!.filter },
        }),
      );
    } else {
      const current = await this.admin.getSubscription(topic, sub.name);
      if (current.maxDeliveryCount !== sub.maxDeliveryCount) {
        await this.admin.updateSubscription({ ...current, maxDeliveryCount: sub.maxDeliveryCount });
      }
    }
    const existing = await this.ruleNames(topic, sub.name);
    for (const rule of sub.rules) {
      if (!existing.has(rule.name)) await ignoreExists(() => this.admin.createRule(topic, sub.name, rule.name, rule.filter));
    }
  }

  /**
   * Stale type rules and catch-alls go (the latest declaration wins, as in the memory transport); rules that are
   * not ours (another prefix) are left alone, except $Default, which would let every type in.
   */
  private async pruneRules(topic: string, sub: PlannedSubscription): Promise<void> {
    const wanted = new Set(sub.rules.map((r) => r.name));
    for (const name of await this.ruleNames(topic, sub.name)) {
      if (wanted.has(name)) continue;
      if (name === defaultRuleName || name.startsWith(typeRulePrefix) || name.startsWith(unroutedRulePrefix)) {
        await ignoreNotFound(() => this.admin.deleteRule(topic, sub.name, name));
      }
    }
  }

  private async ruleNames(topic: string, subscription: string): Promise<Set<string>> {
    const names = new Set<string>();
    for await (const rule of this.admin.listRules(topic, subscription)) names.add(rule.name);
    return names;
  }
}

function statusOf(error: unknown): { statusCode?: number; code?: string } {
  return typeof error === 'object' && error !== null ? (error as { statusCode?: number; code?: string }) : {};
}

async function ignoreExists(op: () => Promise<unknown>): Promise<void> {
  try {
    await op();
  } catch (error) {
    const { statusCode, code } = statusOf(error);
    if (statusCode !== 409 && code !== 'MessagingEntityAlreadyExists') throw error;
  }
}

async function ignoreNotFound(op: () => Promise<unknown>): Promise<void> {
  try {
    await op();
  } catch (error) {
    const { statusCode, code } = statusOf(error);
    if (statusCode !== 404 && code !== 'MessagingEntityNotFound') throw error;
  }
}
