import { Logger } from '@nestjs/common';
import type { RetentionReport, RunRetentionHandler, RunRetentionOptions } from './usecases/run-retention/run-retention.handler';
import { RetentionScheduler } from './retention.scheduler';

/** The schedule with the job faked at its use-case boundary: when it runs, never twice at once, and how it stops. */
describe('RetentionScheduler', () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const done: RetentionReport = { status: 'done', dryRun: false, startedAt: '', tookMs: 1, targets: [] };
  const fakeJob = (run: (options: RunRetentionOptions) => Promise<RetentionReport>) => {
    const execute = jest.fn(run);
    return { execute, job: { execute } as unknown as RunRetentionHandler };
  };

  it('runs after the first delay, then every interval, one run at a time; a failed run does not stop the schedule', async () => {
    let release!: () => void;
    let calls = 0;
    const { execute, job } = fakeJob(async () => {
      if (++calls === 2) throw new Error('database down');
      if (calls === 1) await new Promise<void>((resolve) => (release = resolve));
      return done;
    });
    const scheduler = new RetentionScheduler(job, { firstRunDelayMs: 1_000, intervalMs: 60_000 });
    scheduler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(999);
    expect(execute).toHaveBeenCalledTimes(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(execute).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(600_000); // the first run is still going: no second one
    expect(execute).toHaveBeenCalledTimes(1);
    release();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(execute).toHaveBeenCalledTimes(2); // fails
    await jest.advanceTimersByTimeAsync(60_000);
    expect(execute).toHaveBeenCalledTimes(3);
    await scheduler.beforeApplicationShutdown();
  });

  it('on shutdown aborts the running job, waits for it, and schedules nothing more', async () => {
    let signal: AbortSignal | undefined;
    const { execute, job } = fakeJob(
      (options) =>
        new Promise((resolve) => {
          signal = options.signal;
          options.signal?.addEventListener('abort', () => resolve({ ...done, status: 'aborted' }));
        }),
    );
    const scheduler = new RetentionScheduler(job, { firstRunDelayMs: 0, intervalMs: 1_000 });
    scheduler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(execute).toHaveBeenCalledTimes(1);
    await scheduler.beforeApplicationShutdown();
    expect(signal?.aborted).toBe(true);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(execute).toHaveBeenCalledTimes(1);
  });
});
