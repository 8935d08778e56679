import type { CorrelationRuleFilter, SqlRuleFilter } from '@azure/service-bus';
import type { BusTopology } from '../../bus/message-bus.port';
import { serviceBusPlan, type DesiredRule } from './servicebus.provisioner';

/**
 * The emulator's limits (its Config-schema.json): TTL at most 1 h, duplicate detection window at most 5 min,
 * MaxDeliveryCount at most 10. Azure gets DUPLICATE_DETECTION_WINDOW; everything else is the same plan.
 */
const EMULATOR_TTL = 'PT1H';
const EMULATOR_DUPLICATE_WINDOW = 'PT5M';
const EMULATOR_MAX_DELIVERY_COUNT = 10;

/**
 * An emulator-only subscription on every topic with no rule (takes everything) that nothing consumes; its
 * messages expire after an hour. For looking at local traffic; not provisioned on Azure.
 */
export const OPS_TAP_SUBSCRIPTION = 'ops-tap';

/**
 * `deploy/servicebus-emulator/config.json`, generated from the same plan `ServiceBusProvisioner.ensureTopology`
 * applies on Azure (`npm run --silent junction -- topology emulator-config > deploy/servicebus-emulator/config.json`).
 * The emulator has no admin API: without this file agreeing with the contracts, a subscription or rule is missing
 * and its messages are lost (or an app's receiver fails and readiness stays down).
 */
export function emulatorConfig(topology: BusTopology): unknown {
  return {
    UserConfig: {
      Namespaces: [
        {
          Name: 'sbemulatorns',
          Queues: [],
          Topics: serviceBusPlan(topology).map((topic) => ({
            Name: topic.name,
            Properties: {
              DefaultMessageTimeToLive: EMULATOR_TTL,
              DuplicateDetectionHistoryTimeWindow: EMULATOR_DUPLICATE_WINDOW,
              RequiresDuplicateDetection: true,
            },
            Subscriptions: [
              ...topic.subscriptions.map((sub) => ({
                Name: sub.name,
                Properties: subscriptionProperties(Math.min(sub.maxDeliveryCount, EMULATOR_MAX_DELIVERY_COUNT), true),
                Rules: sub.rules.map(emulatorRule),
              })),
              { Name: OPS_TAP_SUBSCRIPTION, Properties: subscriptionProperties(EMULATOR_MAX_DELIVERY_COUNT, false), Rules: [] },
            ],
          })),
        },
      ],
      Logging: { Type: 'Console' },
    },
  };
}

function subscriptionProperties(maxDeliveryCount: number, deadLetterOnExpiry: boolean) {
  return {
    DeadLetteringOnMessageExpiration: deadLetterOnExpiry,
    DefaultMessageTimeToLive: EMULATOR_TTL,
    LockDuration: 'PT1M',
    MaxDeliveryCount: maxDeliveryCount,
    ForwardDeadLetteredMessagesTo: '',
    ForwardTo: '',
    RequiresSession: false,
  };
}

function emulatorRule(rule: DesiredRule) {
  if ('sqlExpression' in rule.filter) {
    return { Name: rule.name, Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: (rule.filter as SqlRuleFilter).sqlExpression } } };
  }
  return { Name: rule.name, Properties: { FilterType: 'Correlation', CorrelationFilter: { Label: (rule.filter as CorrelationRuleFilter).subject } } };
}
