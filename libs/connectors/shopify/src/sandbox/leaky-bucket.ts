/**
 * Shopify's REST limiter: a bucket of `capacity` calls that leaks `leakPerSecond` continuously. A call
 * that would overflow it is refused (429) and does not fill it. One bucket per app installation on a shop.
 */
export class LeakyBucket {
  private level = 0;
  private updatedAt: number;

  constructor(
    readonly capacity = 40,
    readonly leakPerSecond = 2,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.updatedAt = nowMs();
  }

  /** Calls currently in the bucket (fractional while leaking). */
  get used(): number {
    this.leak();
    return this.level;
  }

  /** Adds one call if it fits. */
  tryTake(): boolean {
    this.leak();
    // Epsilon: 40 calls at the same instant must all fit despite float drift from earlier leaks.
    if (this.level + 1 > this.capacity + 1e-9) return false;
    this.level += 1;
    return true;
  }

  /** `X-Shopify-Shop-Api-Call-Limit`, e.g. "32/40" (whole calls, rounded up, as Shopify never under-reports). */
  header(): string {
    return `${Math.min(this.capacity, Math.ceil(this.used - 1e-9))}/${this.capacity}`;
  }

  reset(): void {
    this.level = 0;
    this.updatedAt = this.nowMs();
  }

  private leak(): void {
    const now = this.nowMs();
    this.level = Math.max(0, this.level - ((now - this.updatedAt) / 1000) * this.leakPerSecond);
    this.updatedAt = now;
  }
}
