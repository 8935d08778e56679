import { createMessage, webhookRoutesHeader } from '@junction/contracts';
import { waitUntil } from '@junction/testing';
import { toOutgoing } from '../publishing/outgoing-message';
import { MemoryTransport } from '../transports/memory/memory.transport';
import { JunctionServer } from './junction.server';

const received = (eventId: string) =>
  createMessage(
    'webhooks.received',
    { endpointId: 'ep-1', provider: 'stripe', eventType: 'charge.succeeded', eventId, receivedAt: new Date().toISOString(), headers: {}, payload: { ok: true } },
    { tenantId: 't' },
  );

describe('JunctionServer', () => {
  let bus: MemoryTransport;
  let server: JunctionServer;
  afterEach(async () => {
    await server.close();
    await bus.close();
  });

  it('acknowledges unread the deliveries that lack the header their handler requires, and hands over the rest', async () => {
    bus = new MemoryTransport();
    server = new JunctionServer({ bus, subscription: 'webhook-ingress', concurrency: 4, maxDeliveryCount: 3 });
    const handled: string[] = [];
    server.addHandler('webhooks.received', async (m: { payload: { eventId: string } }) => void handled.push(m.payload.eventId), true, { requiresHeader: webhookRoutesHeader });
    await new Promise<unknown>((resolve, reject) => void server.listen((error?: unknown) => (error ? reject(error) : resolve(undefined))));

    const unmarked = toOutgoing(received('evt_no_routes'));
    const marked = toOutgoing(received('evt_routes'));
    // Not even an envelope: acknowledged without being parsed, so not dead-lettered either.
    const garbage = { ...toOutgoing(received('evt_garbage')), body: undefined, messageId: 'garbage' };
    await bus.publish([unmarked, { ...marked, headers: { ...marked.headers, [webhookRoutesHeader]: '1' } }, garbage]);

    await waitUntil(() => handled.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handled).toEqual(['evt_routes']);
    expect(await bus.peekDeadLetters('webhooks.received', 'webhook-ingress', 10)).toEqual([]);
  });

  it('refuses to start when an app\'s handlers and its entry in the contracts\' topology disagree', async () => {
    bus = new MemoryTransport();
    server = new JunctionServer({ bus, subscription: 'webhook-ingress', concurrency: 1, maxDeliveryCount: 3 });
    server.addHandler('erp.customer.create', async () => undefined, true);
    const error = await new Promise<unknown>((resolve) => void server.listen((e?: unknown) => resolve(e)));
    expect(String(error)).toContain('webhook-ingress: its @EventPattern handlers and its entry in Consumers');
    expect(String(error)).toContain('handled but not listed: erp.customer.create');
    expect(String(error)).toContain('listed but not handled: webhooks.received');
  });
});
