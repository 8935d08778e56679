import { MemoryTransport } from './memory.transport';

describe('MemoryTransport dead-letter queue', () => {
  const topic = 'erp.commands';
  const subscription = 'erp-worker';

  async function withDeadLetters(ids: string[]): Promise<MemoryTransport> {
    const bus = new MemoryTransport();
    await bus.connect();
    const spec = { topic, subscription, types: ['x.happened'], maxDeliveryCount: 1, concurrency: 1 };
    const handle = await bus.subscribe(spec, async () => ({ action: 'dead-letter', reason: 'PROVIDER_VALIDATION', description: 'no' }));
    await bus.publish(ids.map((id) => ({ topic, messageId: id, type: 'x.happened', body: { id } })));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await handle.close();
    return bus;
  }

  it('removes every copy of the named messages and keeps the others in order', async () => {
    const bus = await withDeadLetters(['a', 'b', 'a', 'c']);
    expect((await bus.peekDeadLetters(topic, subscription, 10)).map((m) => m.messageId)).toEqual(['a', 'b', 'a', 'c']);
    expect(await bus.removeDeadLetters(topic, subscription, new Set(['a', 'z']), 100)).toBe(2);
    expect((await bus.peekDeadLetters(topic, subscription, 10)).map((m) => m.messageId)).toEqual(['b', 'c']);
  });

  it('looks at no more than scanMax messages; an unknown subscription has none', async () => {
    const bus = await withDeadLetters(['a', 'b', 'c']);
    expect(await bus.removeDeadLetters(topic, subscription, new Set(['c']), 2)).toBe(0);
    expect(await bus.removeDeadLetters(topic, 'nobody', new Set(['a']), 100)).toBe(0);
    expect(await bus.peekDeadLetters(topic, subscription, 10)).toHaveLength(3);
  });
});
