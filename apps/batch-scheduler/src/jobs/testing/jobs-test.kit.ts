import { MessagePublisher } from '@junction/messaging';
import { ConnectionRepository, OutboxRepository, PostgresRateLimiter, ProcessedMessageRepository, type PrismaService } from '@junction/persistence';
import type { Acquisition, RateLimiter, RateLimitKey, RateLimitRule } from '@junction/resilience';
import { BatchFileRepository } from '../../files/batch-file.repository';
import { BatchRunRepository } from '../../runs/batch-run.repository';
import { createRunProgress } from '../../runs/run-progress';
import type { BatchJob, BatchJobContext, BatchProgress } from '../batch-job';
import { BatchCommandsRepository } from '../shared/batch-commands.repository';
import { BatchPublishing, type BatchJobsOptions } from '../shared/batch-publishing';
import { CommandPacer } from '../shared/command-pacer';

/** A limiter that records the (virtual) time of every permit it grants. */
export class RecordingLimiter implements RateLimiter {
  readonly granted: { key: RateLimitKey; rule: string; at: number }[] = [];
  constructor(
    private readonly inner: RateLimiter,
    private readonly clock: () => number,
    /** Virtual time each acquisition takes (the work between two commands), so a fast pace does not deny every other one. */
    private readonly advance: () => void,
  ) {}
  async tryAcquire(key: RateLimitKey, rules: readonly RateLimitRule[]): Promise<Acquisition> {
    this.advance();
    const result = await this.inner.tryAcquire(key, rules);
    if (result.granted) this.granted.push({ key, rule: rules[0]?.name ?? '', at: this.clock() });
    return result;
  }
  observe(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The jobs' collaborators on a real database, as the app wires them (the outbox-only publisher: no broker needed to
 * count outbox rows), with a virtual clock shared by the Postgres limiter and the pacer's sleep: pacing is asserted on
 * the limiter's time, and the test does not wait for it.
 */
export function jobsKit(prisma: PrismaService, options: Partial<BatchJobsOptions> = {}) {
  let now = Date.now();
  const clock = () => now;
  const limiter = new RecordingLimiter(new PostgresRateLimiter(prisma, { clock }), clock, () => {
    now += 5;
  });
  const pacer = new CommandPacer(limiter, {
    clock,
    sleep: async (ms, signal) => {
      if (signal.aborted) throw signal.reason as Error;
      now += ms;
    },
  });
  const publisher = MessagePublisher.outboxOnly(new OutboxRepository(prisma));
  const commands = new BatchCommandsRepository(prisma, new ProcessedMessageRepository(), publisher);
  const jobsOptions: BatchJobsOptions = { checkpointEvery: 5, pageSize: 7, maxFileBytes: 1_048_576, ...options };
  const publishing = new BatchPublishing(commands, pacer, new ConnectionRepository(prisma), jobsOptions);
  const runs = new BatchRunRepository(prisma);
  return {
    limiter,
    clock,
    publishing,
    files: new BatchFileRepository(prisma),
    runs,
    options: jobsOptions,
    /** A queued run of `job` and a context to run it with (cursor as stored). */
    async context<P>(job: BatchJob<P>, tenantId: string, params: P, extra: { signal?: AbortSignal; progress?: (p: BatchProgress) => BatchProgress; runId?: string } = {}): Promise<BatchJobContext<P>> {
      const run = extra.runId ? await runs.find(extra.runId) : await runs.create({ tenantId, job: job.name, params });
      if (!run) throw new Error(`no run ${extra.runId}`);
      const progress = createRunProgress(prisma, run.id);
      return { runId: run.id, tenantId, params: job.params.parse(params), cursor: run.cursor, signal: extra.signal ?? new AbortController().signal, progress: extra.progress?.(progress) ?? progress };
    },
  };
}

/** Outbox rows of a run's commands (correlation id = run id), as parsed envelopes. */
export async function outboxOfRun(prisma: PrismaService, runId: string): Promise<{ id: string; type: string; payload: Record<string, unknown> }[]> {
  const rows = await prisma.outboxMessage.findMany({ where: { body: { contains: `"correlationId":"${runId}"` } }, orderBy: { createdAt: 'asc' } });
  return rows.map((row) => JSON.parse(row.body) as { id: string; type: string; payload: Record<string, unknown> });
}
