import { createHash } from 'node:crypto';
import type { CorrelationRuleFilter, ServiceBusAdministrationClient } from '@azure/service-bus';
import type { SubscriptionSpec } from '../../bus/message-bus.port';
import { retrySubject } from './servicebus.mapper';

/** The admin client's methods the provisioner uses: what a fake must implement. */
export type ServiceBusAdmin = Pick<
  ServiceBusAdministrationClient,
  | 'topicExists'
  | 'createTopic'
  | 'subscriptionExists'
  | 'createSubscription'
  | 'getSubscription'
  | 'updateSubscription'
  | 'listRules'
  | 'createRule'
  | 'deleteRule'
>;

export interface DesiredRule {
  readonly name: string;
  readonly filter: CorrelationRuleFilter;
}

const defaultRuleName = '$Default';
const typeRulePrefix = 'type.';
export const retryRuleName = 'junction-retry';

/**
 * The correlation rules a subscription needs: one per envelope type on `subject`, plus the rule that lets
 * this subscription's own retry copies back in. Without the retry rule a retried message is silently lost,
 * so an emulator config.json (no admin client there) must declare it too.
 */
export function desiredRules(spec: SubscriptionSpec): DesiredRule[] {
  return [
    ...[...new Set(spec.types)].map((type) => ({ name: typeRuleName(type), filter: { subject: type } })),
    { name: retryRuleName, filter: { subject: retrySubject(spec.subscription) } },
  ];
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
  constructor(private readonly admin: ServiceBusAdmin) {}

  async ensure(spec: SubscriptionSpec): Promise<void> {
    const { topic, subscription } = spec;
    if (!(await this.admin.topicExists(topic))) await ignoreExists(() => this.admin.createTopic(topic));

    const rules = desiredRules(spec);
    if (!(await this.admin.subscriptionExists(topic, subscription))) {
      // Created with our first rule instead of $Default (a TrueFilter), so there is never a window in which
      // the subscription takes every type on the topic.
      const [first] = rules;
      await ignoreExists(() =>
        this.admin.createSubscription(topic, subscription, {
          maxDeliveryCount: spec.maxDeliveryCount,
          deadLetteringOnMessageExpiration: true,
          defaultRuleOptions: { name: first!.name, filter: first!.filter },
        }),
      );
    } else {
      const current = await this.admin.getSubscription(topic, subscription);
      if (current.maxDeliveryCount !== spec.maxDeliveryCount) {
        await this.admin.updateSubscription({ ...current, maxDeliveryCount: spec.maxDeliveryCount });
      }
    }
    await this.reconcileRules(topic, subscription, rules);
  }

  /**
   * Adds missing rules first and removes unwanted ones after, so no wanted message is dropped in between.
   * Stale type rules go too (the latest declaration wins, as in the memory transport); rules that are not
   * ours (another prefix) are left alone, except $Default, which would let every type in.
   */
  private async reconcileRules(topic: string, subscription: string, rules: DesiredRule[]): Promise<void> {
    const existing = new Set<string>();
    for await (const rule of this.admin.listRules(topic, subscription)) existing.add(rule.name);
    const wanted = new Set(rules.map((r) => r.name));
    for (const rule of rules) {
      if (!existing.has(rule.name)) await ignoreExists(() => this.admin.createRule(topic, subscription, rule.name, rule.filter));
    }
    for (const name of existing) {
      if (wanted.has(name)) continue;
      if (name === defaultRuleName || name.startsWith(typeRulePrefix)) {
        await ignoreNotFound(() => this.admin.deleteRule(topic, subscription, name));
      }
    }
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
