/**
 * Last good response per cacheKey, bounded (least recently used goes first) so a caller that puts ids in
 * its keys cannot grow the process without limit. In memory and per replica: a fallback, not a data store.
 */
export class LastGoodCache {
  private readonly entries = new Map<string, { value: unknown; storedAt: number }>();

  constructor(private readonly maxEntries = 1_000) {}

  set(key: string, value: unknown, now = Date.now()): void {
    this.entries.delete(key);
    this.entries.set(key, { value, storedAt: now });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The value if younger than ttlMs, with its age. */
  get(key: string, ttlMs: number, now = Date.now()): { value: unknown; ageMs: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const ageMs = now - entry.storedAt;
    if (ageMs > ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return { value: entry.value, ageMs };
  }

  get size(): number {
    return this.entries.size;
  }
}
