import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { busTopology } from '../../bus/bus-topology';
import { emulatorConfig, OPS_TAP_SUBSCRIPTION } from './servicebus.emulator-config';
import { ServiceBusProvisioner, unroutedRule } from './servicebus.provisioner';
import { FakeAdmin } from './servicebus.sdk-fake';

type EmulatorTopic = { Name: string; Properties: { RequiresDuplicateDetection: boolean }; Subscriptions: Array<{ Name: string; Properties: { MaxDeliveryCount: number }; Rules: Array<{ Name: string; Properties: Record<string, unknown> }> }> };

function emulatorTopics(config: unknown): EmulatorTopic[] {
  return (config as { UserConfig: { Namespaces: Array<{ Topics: EmulatorTopic[] }> } }).UserConfig.Namespaces[0]!.Topics;
}

/** What the emulator config says, in the shape of what Azure provisioning leaves (ops-tap is emulator-only). */
function fromEmulator(config: unknown) {
  return emulatorTopics(config).map((t) => ({
    topic: t.Name,
    duplicateDetection: t.Properties.RequiresDuplicateDetection,
    subscriptions: t.Subscriptions.filter((s) => s.Name !== OPS_TAP_SUBSCRIPTION).map((s) => ({
      name: s.Name,
      maxDeliveryCount: s.Properties.MaxDeliveryCount,
      rules: Object.fromEntries(
        s.Rules.map((r) => {
          const p = r.Properties as { CorrelationFilter?: { Label: string }; SqlFilter?: { SqlExpression: string } };
          return [r.Name, p.CorrelationFilter ? { subject: p.CorrelationFilter.Label } : { sqlExpression: p.SqlFilter!.SqlExpression }];
        }),
      ),
    })),
  }));
}

function fromAdmin(admin: FakeAdmin) {
  return [...admin.topics].map((topic) => ({
    topic,
    duplicateDetection: admin.topicOptions.get(topic)?.requiresDuplicateDetection ?? false,
    subscriptions: [...admin.subscriptions.entries()]
      .filter(([key]) => key.startsWith(`${topic}/`))
      .map(([key, sub]) => ({
        name: key.slice(topic.length + 1),
        maxDeliveryCount: sub.props.maxDeliveryCount,
        rules: Object.fromEntries([...sub.rules.values()].map((r) => [r.name, r.filter])),
      })),
  }));
}

describe('Service Bus topology as code', () => {
  const topology = busTopology(10);

  it('deploy/servicebus-emulator/config.json is the generated config (npm run --silent junction -- topology emulator-config > it)', () => {
    const committed: unknown = JSON.parse(readFileSync(join(__dirname, '../../../../../deploy/servicebus-emulator/config.json'), 'utf8'));
    expect(committed).toEqual(emulatorConfig(topology));
  });

  it('Azure provisioning creates exactly what the emulator config declares: topics with duplicate detection, subscriptions, rules', async () => {
    const admin = new FakeAdmin();
    await new ServiceBusProvisioner(admin).ensureTopology(topology);
    expect(fromAdmin(admin)).toEqual(fromEmulator(emulatorConfig(topology)));
    // The compose regression: webhook-ingress's router subscription was missing from the emulator config.
    expect(fromEmulator(emulatorConfig(topology)).find((t) => t.topic === 'webhooks.received')!.subscriptions.map((s) => s.name)).toEqual(['webhook-ingress', 'unrouted']);
  });

  it('a catch-all per topic takes every subject no subscription takes, never the retry copies', () => {
    expect(unroutedRule(['erp.customer.create', "o'brien"]).filter).toEqual({
      sqlExpression: "sys.Label IS NULL OR (sys.Label NOT IN ('erp.customer.create', 'o''brien') AND sys.Label NOT LIKE 'retry:%')",
    });
    expect(unroutedRule([]).filter).toEqual({ sqlExpression: "sys.Label IS NULL OR (sys.Label NOT LIKE 'retry:%')" });
  });

  it('a type moving to a subscription gets its rule, then the new catch-all, before the old catch-all goes: nothing falls between', async () => {
    const admin = new FakeAdmin();
    const provisioner = new ServiceBusProvisioner(admin);
    const one = { topics: ['t'], subscriptions: [{ topic: 't', subscription: 'app', types: ['a.x'], maxDeliveryCount: 10 }] };
    await provisioner.ensureTopology(one);
    admin.calls.length = 0;
    await provisioner.ensureTopology({ ...one, subscriptions: [{ ...one.subscriptions[0]!, types: ['a.x', 'b.x'] }] });
    const oldCatchAll = unroutedRule(['a.x']).name;
    const newCatchAll = unroutedRule(['a.x', 'b.x']).name;
    expect(admin.calls).toEqual(['createRule:type.b.x', `createRule:${newCatchAll}`, `deleteRule:${oldCatchAll}`]);
  });
});
