import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMessage } from '@junction/contracts';
import { toOutgoing } from '@junction/messaging';
import { fakeRuntime, run } from '../cli.test-kit';

describe('junction CLI: topology', () => {
  it('show lists every topic with its subscriptions and types, and the unrouted holding of each', async () => {
    const { code, stdout } = await run(['topology', 'show', '--json']);
    expect(code).toBe(0);
    const topology = JSON.parse(stdout) as { topics: string[]; subscriptions: Array<{ topic: string; subscription: string; types: string[]; maxDeliveryCount: number }> };
    expect(topology.topics).toEqual(expect.arrayContaining(['erp.commands', 'webhooks.received', 'integration.calls']));
    expect(topology.subscriptions).toEqual(
      expect.arrayContaining([
        { topic: 'erp.commands', subscription: 'erp-worker', types: expect.arrayContaining(['erp.customer.create', 'erp.sales-order.create']), maxDeliveryCount: 10 },
        { topic: 'webhooks.received', subscription: 'webhook-ingress', types: ['webhooks.received'], maxDeliveryCount: 10 },
      ]),
    );
  });

  it('apply declares the topology on the bus: a message nobody consumes is then held and counted by status', async () => {
    const fake = fakeRuntime();
    expect((await run(['topology', 'apply'], { fake, env: { BUS: 'rabbitmq', RABBITMQ_URL: 'amqp://x' } })).code).toBe(0);
    // No app consumes ops.alerts yet: its events are held in the topic's unrouted subscription.
    const created = createMessage(
      'integration.connection.reauth-required',
      { connectionId: crypto.randomUUID(), typeSlug: 'crm', name: 'crm-main', reason: 'invalid_grant', occurredAt: new Date().toISOString() },
      { tenantId: 't1' },
    );
    await fake.bus.publish([toOutgoing(created)]);

    const { code, stdout } = await run(['topology', 'status'], { fake, env: { BUS: 'rabbitmq', RABBITMQ_URL: 'amqp://x' } });
    expect(code).toBe(0);
    expect(stdout).toContain('ops.alerts: 1 unrouted');
    expect(stdout).toContain(`${created.id}  integration.connection.reauth-required`);
  });

  it('apply refuses the in-memory bus with a configuration error (it lives inside the running Junction)', async () => {
    const { runtime } = fakeRuntime();
    const { openBus } = await import('./topology.command');
    (runtime.bus as jest.Mock).mockImplementation(() => openBus({ BUS: 'memory' } as never));
    const result = await run(['topology', 'apply'], { fake: { ...fakeRuntime(), runtime } });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('junction: BUS_REQUIRED: BUS=memory');
  });

  it('emulator-config prints exactly deploy/servicebus-emulator/config.json (regenerate the file when this fails)', async () => {
    const { code, stdout } = await run(['topology', 'emulator-config', '--json']);
    expect(code).toBe(0);
    const committed = JSON.parse(readFileSync(join(__dirname, '../../../../deploy/servicebus-emulator/config.json'), 'utf8'));
    expect(JSON.parse(stdout)).toEqual(committed);
  });
});
