export interface RabbitMqLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface RabbitMqTransportOptions {
  /** amqp://user:pass@host:5672/vhost */
  readonly url: string;
  /**
   * Unacknowledged deliveries per subscription channel; never below the subscription's concurrency.
   * Default 2 x concurrency: enough to keep other sessions busy while one session's messages wait their
   * turn, small because prefetched messages returned at shutdown count as deliveries on quorum queues.
   */
  readonly prefetch?: number;
  readonly logger?: RabbitMqLogger;
  /** Shown in the broker's connection list (and lets operators close this one connection). */
  readonly connectionName?: string;
  /**
   * Default 16 MiB (RabbitMQ 4's `max_message_size`; 3.x allows 128 MiB). The broker closes the channel on a larger
   * message, which would look like an outage; checking first makes it a permanent, per-message failure.
   */
  readonly maxMessageBytes?: number;
  /** Reconnect backoff: first delay and cap, in ms (defaults 200 ms and 5 s), with full jitter. */
  readonly reconnect?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
}

export const silentLogger: RabbitMqLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
