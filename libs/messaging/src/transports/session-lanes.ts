/**
 * Per-session (entity key) serialization inside one process. Pull-style transports ask `busy()` before
 * taking a message; push-style transports (the broker already delivered it) queue work with `run()`, which
 * starts a task only after the previous task of the same session has settled, in arrival order.
 */
export class SessionLanes {
  private readonly active = new Set<string>();
  private readonly tails = new Map<string, Promise<unknown>>();

  busy(sessionId: string): boolean {
    return this.active.has(sessionId);
  }

  enter(sessionId: string): void {
    this.active.add(sessionId);
  }

  leave(sessionId: string): void {
    this.active.delete(sessionId);
  }

  run<T>(sessionId: string | undefined, task: () => Promise<T>): Promise<T> {
    if (sessionId === undefined) return task();
    const previous = this.tails.get(sessionId) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(sessionId, tail);
    void tail.then(() => {
      if (this.tails.get(sessionId) === tail) this.tails.delete(sessionId);
    });
    return next;
  }
}
