import { GroupCommit } from './group-commit';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('GroupCommit', () => {
  it('writes the first item at once and groups the items that arrive while it is in flight', async () => {
    const flushes: number[][] = [];
    const gates: ReturnType<typeof deferred<void>>[] = [];
    const commit = new GroupCommit<number, string>(
      async (items) => {
        flushes.push(items);
        const gate = deferred<void>();
        gates.push(gate);
        await gate.promise;
        return items.map((i) => `ok:${i}`);
      },
      { maxInFlight: 1, maxBatch: 100 },
    );
    const first = commit.submit(1);
    const rest = [2, 3, 4].map((i) => commit.submit(i));
    expect(flushes).toEqual([[1]]);
    gates[0]!.resolve();
    await expect(first).resolves.toBe('ok:1');
    await new Promise((r) => setImmediate(r));
    expect(flushes).toEqual([[1], [2, 3, 4]]);
    gates[1]!.resolve();
    await expect(Promise.all(rest)).resolves.toEqual(['ok:2', 'ok:3', 'ok:4']);
    expect(commit.pending).toBe(0);
  });

  it('starts the next flush before the submitters of the finished one are answered', async () => {
    const events: string[] = [];
    const gates: ReturnType<typeof deferred<void>>[] = [];
    const commit = new GroupCommit<number, number>(
      async (items) => {
        events.push(`flush ${items.join(',')}`);
        const gate = deferred<void>();
        gates.push(gate);
        await gate.promise;
        return items;
      },
      { maxInFlight: 1, maxBatch: 100 },
    );
    const first = commit.submit(1).then((n) => events.push(`answer ${n}`));
    const second = commit.submit(2).then((n) => events.push(`answer ${n}`));
    gates[0]!.resolve();
    await first;
    expect(events).toEqual(['flush 1', 'flush 2', 'answer 1']);
    gates[1]!.resolve();
    await second;
  });

  it('rejects every item of a failed flush and keeps serving later ones', async () => {
    let fail = true;
    const commit = new GroupCommit<number, number>(async (items) => {
      if (fail) throw new Error('database down');
      return items;
    }, { maxInFlight: 2, maxBatch: 2 });
    await expect(Promise.all([commit.submit(1), commit.submit(2)])).rejects.toThrow('database down');
    fail = false;
    await expect(Promise.all([commit.submit(3), commit.submit(4), commit.submit(5)])).resolves.toEqual([3, 4, 5]);
  });

  it('never runs more than maxInFlight flushes nor puts more than maxBatch items in one', async () => {
    let running = 0;
    let peak = 0;
    const sizes: number[] = [];
    const commit = new GroupCommit<number, number>(async (items) => {
      running++;
      peak = Math.max(peak, running);
      sizes.push(items.length);
      await new Promise((r) => setTimeout(r, 2));
      running--;
      return items;
    }, { maxInFlight: 2, maxBatch: 5 });
    const all = await Promise.all(Array.from({ length: 40 }, (_, i) => commit.submit(i)));
    expect(all).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(peak).toBe(2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
  });
});
