import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line written while handling one message or request carries. */
export interface LogContext {
  /** The app handling the work; several apps share one process (and Nest's static logger) in standalone mode. */
  app?: string;
  correlationId?: string;
  messageId?: string;
  messageType?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

export function runWithLogContext<T>(ctx: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...ctx }, fn);
}

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** Binds `ctx` to the rest of the current async execution (an HTTP request hook, say). */
export function enterLogContext(ctx: LogContext): void {
  storage.enterWith({ ...storage.getStore(), ...ctx });
}
