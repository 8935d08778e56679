/**
 * Group commit: items submitted while a flush is in flight wait and go together in the next one, so under load
 * one statement (and one fsync) carries many requests, and an idle system still writes each request at once.
 * Each submitter's promise settles only after the flush holding its item has settled.
 */
export class GroupCommit<T, R> {
  private queue: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly options: { maxInFlight: number; maxBatch: number },
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.drain();
    });
  }

  /** Items waiting or being written. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  private drain(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      // The next flush is started before this one's submitters are answered: writing their answers takes the
      // thread a while, and the items queued meanwhile should not wait for that.
      this.flush(batch.map((b) => b.item)).then(
        (results) => {
          this.inFlight--;
          this.drain();
          batch.forEach((b, i) => b.resolve(results[i]!));
        },
        (error: unknown) => {
          this.inFlight--;
          this.drain();
          batch.forEach((b) => b.reject(error));
        },
      );
    }
  }
}
