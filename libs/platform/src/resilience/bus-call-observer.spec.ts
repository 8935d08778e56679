import { parseMessage } from '@junction/contracts';
import { MemoryTransport, type DeliveredMessage } from '@junction/messaging';
import type { CallAttemptRecord } from '@junction/resilience';
import { BusCallObserver } from './bus-call-observer';

const record = (attempt: number): CallAttemptRecord => ({
  provider: 'erpnext',
  connection: 'default',
  operation: 'customer.create',
  outcome: attempt < 3 ? 'server' : 'success',
  httpStatus: attempt < 3 ? 503 : 201,
  latencyMs: 12.5,
  attempt,
  breakerState: 'closed',
  degraded: false,
  occurredAt: new Date(),
  correlationId: 'corr-1',
});

describe('BusCallObserver', () => {
  it('publishes one valid integration.call.recorded per attempt on integration.calls', async () => {
    const bus = new MemoryTransport();
    const got: DeliveredMessage[] = [];
    await bus.subscribe({ topic: 'integration.calls', subscription: 'metrics', types: ['integration.call.recorded'], maxDeliveryCount: 3, concurrency: 1 }, async (m) => {
      got.push(m);
      return { action: 'complete' };
    });
    const observer = new BusCallObserver(bus, 'tenant-1');
    [1, 2, 3].forEach((n) => observer.onAttempt(record(n)));
    await observer.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toHaveLength(3);
    const parsed = got.map((m) => parseMessage(m.body));
    expect(parsed.every((p) => p.ok)).toBe(true);
    expect(got.map((m) => (m.body as { payload: { attempt: number; outcome: string } }).payload)).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'server' }),
      expect.objectContaining({ attempt: 2, outcome: 'server' }),
      expect.objectContaining({ attempt: 3, outcome: 'success', httpStatus: 201 }),
    ]);
    expect((got[0]!.body as { correlationId: string }).correlationId).toBe('corr-1');
  });

  it('keeps records while the broker is down and sends them once it is back', async () => {
    let up = false;
    const sent: unknown[] = [];
    const bus = { publish: async (m: unknown[]) => (up ? void sent.push(...m) : Promise.reject(new Error('broker down'))) } as unknown as MemoryTransport;
    const observer = new BusCallObserver(bus, 't');
    observer.onAttempt(record(1));
    await observer.flush();
    expect(sent).toHaveLength(0);
    up = true;
    await observer.close();
    expect(sent).toHaveLength(1);
  });
});
