/**
 * One timer for every attempt in flight instead of a setTimeout/clearTimeout pair per attempt. On Node 20
 * that pair is not cheap for a timer that almost never fires: the duration's TimersList is created and
 * dropped each time, the priority queue re-sorted and the libuv timer re-armed — ~3 µs per call in
 * bench:resilience, a tenth of a local round trip.
 *
 * Entries are kept sorted by expiry in a linked list; nearly every insert is an append, since most attempts
 * of a process share a budget. The timer is armed for the head only and, when it fires, expires what is due
 * and re-arms for the new head. Removing an entry (its attempt settled) is an unlink and never touches the
 * timer: a timer that fires with nothing due just re-arms. The timer holds the process open only while
 * entries are queued, as a per-attempt timer would.
 */
export interface Expiring {
  /** performance.now() time at which `expire` is due; set by the queue. */
  expiresAt: number;
  prevExpiring: Expiring | undefined;
  nextExpiring: Expiring | undefined;
  /** Called once when due, after the entry has left the queue. */
  expire(): void;
}

export class ExpiryQueue {
  private head: Expiring | undefined = undefined;
  private tail: Expiring | undefined = undefined;
  private timer: NodeJS.Timeout | undefined = undefined;
  private timerAt = Infinity;

  /** Queues `entry` to expire `afterMs` from `now` (performance.now()). The entry must not be queued already. */
  add(entry: Expiring, now: number, afterMs: number): void {
    const at = now + afterMs;
    entry.expiresAt = at;
    let before = this.tail;
    while (before !== undefined && before.expiresAt > at) before = before.prevExpiring;
    const after = before === undefined ? this.head : before.nextExpiring;
    entry.prevExpiring = before;
    entry.nextExpiring = after;
    if (before === undefined) this.head = entry;
    else before.nextExpiring = entry;
    if (after === undefined) this.tail = entry;
    else after.prevExpiring = entry;

    if (at < this.timerAt) return this.arm(at, now);
    if (before === undefined && after === undefined) this.timer!.ref();
    // A timer more than a second overdue was lost (fake timers uninstalled under it) or the loop was
    // blocked: re-arm rather than trust it, or nothing queued would ever expire.
    if (this.timerAt < now - 1_000) this.arm(this.head!.expiresAt, now);
  }

  /** Takes a queued entry out (its attempt settled). */
  remove(entry: Expiring): void {
    const { prevExpiring: before, nextExpiring: after } = entry;
    if (before === undefined) this.head = after;
    else before.nextExpiring = after;
    if (after === undefined) this.tail = before;
    else after.prevExpiring = before;
    entry.prevExpiring = entry.nextExpiring = undefined;
    // Nothing left to time: the armed timer must not keep the process alive for the rest of its budget.
    if (this.head === undefined) this.timer?.unref();
  }

  private arm(at: number, now: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    // +1: setTimeout may fire up to a millisecond early against performance.now(); firing early would
    // only re-arm, but late by ≤ 1 ms keeps expiry to one pass.
    this.timer = setTimeout(this.fire, Math.max(0, Math.ceil(at - now)) + 1);
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = performance.now();
    for (let entry = this.head; entry !== undefined && entry.expiresAt <= now; entry = this.head) {
      this.remove(entry);
      try {
        entry.expire();
      } catch (error) {
        // Surfaced as a timer callback's throw would be, without stranding the entries behind this one.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    if (this.head !== undefined) this.arm(this.head.expiresAt, performance.now());
  };
}

/** The process's one queue: every pipeline's attempts share its timer. */
export const attemptExpiries = new ExpiryQueue();
