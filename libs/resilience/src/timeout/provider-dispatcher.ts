import { Agent } from 'undici';

export interface ProviderDispatcherOptions {
  /** TCP + TLS connect timeout (TimeoutPolicy.connectMs). */
  readonly connectMs: number;
  /** Idle keep-alive sockets are closed after this (default 4 s, under most servers' 5 s). */
  readonly keepAliveMs?: number;
  /** Sockets per origin (default undici's: unlimited). */
  readonly connections?: number;
}

/**
 * The undici dispatcher a provider client should use: a short connect timeout (undici's default is 10 s,
 * longer than most per-attempt budgets) and no header/body timeouts of its own, because the pipeline's
 * per-attempt signal bounds the whole exchange.
 */
export function providerDispatcher(options: ProviderDispatcherOptions): Agent {
  return new Agent({
    connect: { timeout: options.connectMs },
    keepAliveTimeout: options.keepAliveMs ?? 4_000,
    headersTimeout: 0,
    bodyTimeout: 0,
    connections: options.connections ?? null,
  });
}
