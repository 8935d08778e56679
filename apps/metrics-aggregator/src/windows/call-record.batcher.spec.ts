import { MicroBatcher } from './call-record.batcher';

describe('MicroBatcher', () => {
  it('writes as soon as a batch is as full as the deliveries in flight allow', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number>({ maxSize: 100, maxWaitMs: 60_000, concurrency: 4 }, async (items) => void batches.push(items));
    await Promise.all([1, 2, 3, 4].map((n) => batcher.submit(n)));
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('writes a partial batch after maxWaitMs, and never more than maxSize at once', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number>({ maxSize: 3, maxWaitMs: 10, concurrency: 64 }, async (items) => void batches.push(items));
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
    expect(batches).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('settles each submit with its own batch: a failed write rejects every item of that batch only', async () => {
    const batcher = new MicroBatcher<number>({ maxSize: 2, maxWaitMs: 5, concurrency: 2 }, async (items) => {
      if (items.includes(3)) throw new Error('deadlock detected');
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => batcher.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
  });

  it('flushes what is queued and waits for writes in flight on shutdown', async () => {
    let written = 0;
    const batcher = new MicroBatcher<number>({ maxSize: 10, maxWaitMs: 60_000, concurrency: 64 }, async (items) => {
      await new Promise((r) => setTimeout(r, 20));
      written += items.length;
    });
    const pending = batcher.submit(1);
    await batcher.onApplicationShutdown();
    expect(written).toBe(1);
    await pending;
  });
});
