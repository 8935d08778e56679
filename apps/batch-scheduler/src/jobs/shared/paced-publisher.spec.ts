import { createMessage, type AnyMessage } from '@junction/contracts';
import type { Acquisition, RateLimiter } from '@junction/resilience';
import type { BatchProgress, BatchProgressDelta, BatchRowErrorInput } from '../batch-job';
import type { BatchCommandsRepository, PublishOutcome } from './batch-commands.repository';
import { batchCommandId } from './command-id';
import { CommandPacer } from './command-pacer';
import { publishPaced, readPublishCursor, type BatchItem, type PublishCursor } from './paced-publisher';

const RUN = 'run-1';

class FakeCommands {
  readonly written = new Set<string>();
  readonly batches: string[][] = [];
  async publishOnce(messages: readonly AnyMessage[]): Promise<PublishOutcome> {
    const fresh = messages.filter((m) => !this.written.has(m.id));
    fresh.forEach((m) => this.written.add(m.id));
    this.batches.push(messages.map((m) => m.id));
    return { published: fresh.length, duplicates: messages.length - fresh.length };
  }
}

class RecordingProgress implements BatchProgress {
  readonly checkpoints: { done: BatchProgressDelta; cursor: PublishCursor; errors: readonly BatchRowErrorInput[] }[] = [];
  async setTotal(): Promise<void> {}
  async checkpoint(done: BatchProgressDelta, cursor: unknown, rowErrors: readonly BatchRowErrorInput[] = []): Promise<void> {
    this.checkpoints.push({ done, cursor: cursor as PublishCursor, errors: rowErrors });
  }
  get last(): PublishCursor | undefined {
    return this.checkpoints.at(-1)?.cursor;
  }
}

async function* rows(count: number, bad: readonly number[] = []): AsyncGenerator<BatchItem> {
  for (let row = 1; row <= count; row++) {
    if (bad.includes(row)) yield { row, error: { row, code: 'ROW_INVALID', message: 'x' } };
    else yield { row, message: createMessage('reddit.subreddit.monitor', { subreddit: `sub${row}`, maxPosts: 10 }, { tenantId: 't', id: batchCommandId(RUN, row) }) as AnyMessage };
  }
}

/** Grants every `every`-th call only, and says the next permit is 100 ms away. */
const stingyLimiter = (every: number): RateLimiter => {
  let calls = 0;
  return {
    tryAcquire: async (): Promise<Acquisition> => (++calls % every === 0 ? { granted: true } : { granted: false, rule: 'batch-pace', retryAt: Date.now() + 100 }),
    observe: async () => undefined,
  };
};
const freeLimiter: RateLimiter = { tryAcquire: async () => ({ granted: true }), observe: async () => undefined };
const pace = { provider: 'reddit', connection: 'default', ratePerSecond: 10 };

function run(cursor: unknown, items: AsyncIterable<BatchItem>, commands: FakeCommands, options: { limiter?: RateLimiter; signal?: AbortSignal; sleep?: (ms: number, signal: AbortSignal) => Promise<void> } = {}) {
  const progress = new RecordingProgress();
  const pacer = new CommandPacer(options.limiter ?? freeLimiter, { sleep: options.sleep ?? (async () => undefined) });
  const done = publishPaced(
    { cursor, signal: options.signal ?? new AbortController().signal, progress },
    items,
    { commands: commands as unknown as BatchCommandsRepository, pacer },
    { checkpointEvery: 4, pace },
  );
  return { progress, done };
}

describe('publishPaced', () => {
  it('commits every N rows with counts, cursor and row errors, and totals the run', async () => {
    const commands = new FakeCommands();
    const { progress, done } = run(null, rows(10, [3, 7]), commands);
    const totals = await done;
    expect(totals).toEqual({ row: 10, published: 8, duplicates: 0, rejected: 2, interrupted: false });
    expect(progress.checkpoints.map((c) => c.cursor.row)).toEqual([4, 8, 10]);
    expect(progress.checkpoints.map((c) => c.done)).toEqual([{ succeeded: 3, failed: 1 }, { succeeded: 3, failed: 1 }, { succeeded: 2, failed: 0 }]);
    expect(progress.checkpoints[0]!.errors.map((e) => e.row)).toEqual([3]);
    expect(commands.written.size).toBe(8);
  });

  it('resumes after the cursor; rows redone after a crash count once and publish nothing twice', async () => {
    const commands = new FakeCommands();
    // The first attempt wrote rows 1–8 to the outbox but its last checkpoint (row 8) never committed: cursor at 4.
    await commands.publishOnce([...(await collect(rows(8)))].flatMap((i) => ('message' in i ? [i.message] : [])));
    const { progress, done } = run({ row: 4, published: 4, duplicates: 0, rejected: 0 }, rows(10), commands);
    const totals = await done;
    expect(totals).toEqual({ row: 10, published: 6, duplicates: 4, rejected: 0, interrupted: false });
    expect(commands.batches.slice(1).flat()).not.toContain(batchCommandId(RUN, 4));
    expect(commands.written.size).toBe(10);
    expect(progress.checkpoints.reduce((n, c) => n + (c.done.succeeded ?? 0), 0)).toBe(6);
  });

  it('commits what it holds before waiting for a pace permit', async () => {
    const commands = new FakeCommands();
    const waits: number[] = [];
    const { progress, done } = run(null, rows(3), commands, { limiter: stingyLimiter(2), sleep: async (ms) => void waits.push(ms) });
    await done;
    expect(waits).toHaveLength(3);
    // Row 1 waited with nothing held; rows 2 and 3 each waited after committing the row before.
    expect(progress.checkpoints.map((c) => c.cursor.row)).toEqual([1, 2, 3]);
  });

  it('stops when aborted while waiting, with the cursor at the last committed row', async () => {
    const commands = new FakeCommands();
    const abort = new AbortController();
    let waited = 0;
    const sleep = async (_ms: number, signal: AbortSignal) => {
      if (++waited === 3) abort.abort(new Error('shutdown'));
      if (signal.aborted) throw signal.reason as Error;
    };
    const { progress, done } = run(null, rows(10), commands, { limiter: stingyLimiter(2), sleep, signal: abort.signal });
    const totals = await done;
    expect(totals.interrupted).toBe(true);
    expect(totals.row).toBe(2);
    expect(progress.last?.row).toBe(2);
    expect(commands.written.size).toBe(2);
  });

  it('reads a cursor it did not write as a first start', () => {
    expect(readPublishCursor(null).row).toBe(0);
    expect(readPublishCursor({ page: 3 }).row).toBe(0);
    expect(readPublishCursor({ row: 5 })).toEqual({ row: 5, published: 0, duplicates: 0, rejected: 0 });
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
