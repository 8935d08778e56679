import type { OnApplicationShutdown } from '@nestjs/common';

export interface BatcherOptions {
  /** Most items per batch. */
  maxSize: number;
  /** How long the first item of a batch waits for company (ms). */
  maxWaitMs: number;
  /** Deliveries in flight at most (the consumer's concurrency): a batch this full can grow no more, flush at once. */
  concurrency: number;
}

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Groups concurrent deliveries into one write. Each `submit` settles with its batch: a delivery is acknowledged only
 * after the transaction holding its effects committed, and a failed batch fails every delivery in it (each is
 * redelivered; the idempotency marks rolled back with the batch, so nothing counts twice).
 */
export class MicroBatcher<T> implements OnApplicationShutdown {
  private queue: Pending<T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly options: BatcherOptions,
    private readonly write: (items: T[]) => Promise<void>,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= Math.min(this.options.maxSize, this.options.concurrency)) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue.splice(0, this.options.maxSize);
    if (this.queue.length > 0) this.timer = setTimeout(() => this.flush(), 0);
    if (batch.length === 0) return;
    const run = this.write(batch.map((p) => p.item)).then(
      () => batch.forEach((p) => p.resolve()),
      (error: unknown) => batch.forEach((p) => p.reject(error)),
    );
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }
}
