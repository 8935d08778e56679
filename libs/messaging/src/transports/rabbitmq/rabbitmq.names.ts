/**
 * Broker object names and the delay buckets. Renaming any of these strands messages in the old queues:
 * it needs a migration plan (drain, or shovel the old queues), like renaming a topic.
 */

/** Transport-private headers (BusHeaders holds the ones every transport shares). */
export const RabbitHeaders = {
  /**
   * The type again, for the headers-exchange bindings: RabbitMQ ignores binding arguments that start with
   * `x-` when matching, so a binding on BusHeaders.type (`x-junction-type`) would match every message.
   */
  routingType: 'junction-type',
  sessionId: 'x-junction-session-id',
  /** Epoch ms before which the message must not reach a handler (scheduled publish, long-delay chains). */
  notBefore: 'x-junction-not-before',
  /** Epoch ms of the original publish; kept across retries so `enqueuedAt` is the first enqueue. */
  enqueuedAt: 'x-junction-enqueued-at',
} as const;

/**
 * Queue-level TTLs of the wait queues. A delay is rounded UP to the next bucket (never early, at most ~3x
 * late, good enough for retry backoff and rate-limit deferrals); longer than the last bucket, the message
 * goes through the last bucket and the consumer sends it round again until its not-before instant.
 * Per-message TTL would be exact but RabbitMQ only expires the head of a queue: a 1 h message in front
 * would hold back every 100 ms message behind it. One TTL per queue avoids that head-of-line blocking.
 */
export const DELAY_BUCKETS_MS = [
  100, 250, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 60_000, 120_000, 300_000, 600_000, 1_200_000, 3_600_000,
] as const;

export function delayBucket(delayMs: number): number {
  for (const bucket of DELAY_BUCKETS_MS) if (delayMs <= bucket) return bucket;
  return DELAY_BUCKETS_MS[DELAY_BUCKETS_MS.length - 1]!;
}

/**
 * An idle wait queue deletes itself after this (x-expires). It must outlive the TTL of the last message
 * published into it: publishers redeclare the queue (which renews the lease) at least every
 * WAIT_QUEUE_REDECLARE_MS, so the lease always exceeds the TTL by a safe margin.
 */
export const WAIT_QUEUE_IDLE_MARGIN_MS = 10 * 60_000;
export const WAIT_QUEUE_REDECLARE_MS = 60_000;

export const names = {
  exchange: (topic: string) => topic,
  /**
   * The topic exchange's alternate exchange (fanout) and the classic queue bound to it: whatever no binding of
   * the topic takes lands there, held, instead of being dropped by the broker.
   */
  unroutedExchange: (topic: string) => `${topic}.unrouted`,
  unroutedQueue: (topic: string) => `${topic}.unrouted`,
  queue: (topic: string, subscription: string) => `${topic}.${subscription}`,
  deadLetterQueue: (topic: string, subscription: string) => `${topic}.${subscription}.dlq`,
  /** Remembers which types are bound, so a subscription that drops a type can unbind it. */
  typesQueue: (topic: string, subscription: string) => `${topic}.${subscription}.types`,
  /** Wait queue that dead-letters into ONE queue (retries, and redelays of a single subscription). */
  queueWait: (queue: string, bucketMs: number) => `${queue}.wait-${bucketMs}ms`,
  /** Wait queue that dead-letters into the topic exchange (scheduled publish: fans out after the wait). */
  topicWait: (topic: string, bucketMs: number) => `${topic}.wait-${bucketMs}ms`,
};
