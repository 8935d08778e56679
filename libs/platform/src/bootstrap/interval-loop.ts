export interface IntervalLoopOptions {
  /** The first run waits this long after start. */
  readonly firstDelayMs: number;
  /** The pause from the end of one run to the start of the next. */
  readonly intervalMs: number;
}

/**
 * A background job of an app run on an interval: one run at a time in this process (the next is armed only when the
 * last ended, so a slow run never overlaps itself), a failed run handed to `onError` without stopping the loop (a
 * database outage must not end the schedule). `stop()` aborts the runs' signal, arms nothing more and waits for a run
 * in progress, so an app's shutdown hook can call it before the database closes. Across replicas, the run itself
 * decides who works (an advisory lock).
 */
export class IntervalLoop {
  private readonly abort = new AbortController();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly options: IntervalLoopOptions,
    private readonly run: (signal: AbortSignal) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.arm(this.options.firstDelayMs);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  private arm(delayMs: number): void {
    if (this.abort.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        this.arm(this.options.intervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async runOnce(): Promise<void> {
    try {
      await this.run(this.abort.signal);
    } catch (error: unknown) {
      this.onError(error);
    }
  }
}
