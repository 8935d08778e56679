import { z } from 'zod';
import { baseEnvSchema, envBoolean, refineBaseEnv } from '@junction/platform';
import { isKeyRing } from '@junction/security';

export const envSchema = baseEnvSchema
  .extend({
    // Call records are tiny DB-only deliveries; the batcher can only group what is in flight at once, so this
    // app takes more at a time than the workers (whose handlers call providers).
    CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(64),
    /** At most this many call records are folded into one transaction. */
    METRICS_BATCH_MAX: z.coerce.number().int().min(1).max(1_000).default(200),
    /** How long the first record of a batch waits for others (ms) before the batch is written anyway. */
    METRICS_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(1_000).default(20),
    /** The trailing range the Prometheus gauges of /metrics cover (minutes of 1-minute windows). */
    METRICS_PROMETHEUS_RANGE_MINUTES: z.coerce.number().int().min(1).max(60).default(5),
    /** Seconds between alert evaluation rounds (one evaluator at a time across replicas); 0 = this replica never evaluates. */
    ALERT_EVAL_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3_600).default(30),
    /**
     * The key ring connection secrets are sealed with: the scheduled health checks open connections with it. Unset:
     * no scheduled checks (GET /health/connections still answers from what is stored).
     */
    JUNCTION_KEK: z.string().refine(isKeyRing, 'must be "<id>:<base64 of 32 bytes>[,<id>:<base64>…]"').optional(),
    /**
     * The `mcp-stdio` commands a connection test may start (comma-separated, exact match), as on webhook-ingress: a
     * scheduled check of a stdio MCP connection whose command is not listed fails as `config` (the connection turns degraded, then down).
     */
    MCP_STDIO_COMMANDS: z.string().optional(),
    /** Scheduled connection checks on this replica (every replica runs the loop; claims never overlap). */
    HEALTH_CHECKS_ENABLED: envBoolean.default(true),
    /** Time between two checks of a connection (± HEALTH_CHECK_JITTER_PCT). */
    HEALTH_CHECK_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(300),
    HEALTH_CHECK_JITTER_PCT: z.coerce.number().min(0).max(50).default(10),
    /** How often a replica looks for due connections. */
    HEALTH_CHECK_POLL_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
    /** Checks in flight at once per replica (each may wait up to the connection's test timeout). */
    HEALTH_CHECK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** Consecutive failed checks that make a connection down (one failed check is degraded). */
    HEALTH_DOWN_AFTER_FAILURES: z.coerce.number().int().min(1).max(20).default(2),
    /** A passing check slower than this (ms) makes a connection degraded. */
    HEALTH_SLOW_CHECK_MS: z.coerce.number().int().min(1).default(3_000),
    /** The trailing minutes of metric windows the status looks at (and the API shows). */
    HEALTH_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1_440).default(15),
    /** Error rate (failed / total calls, 0..1) of those windows above which a connection is degraded. */
    HEALTH_ERROR_RATE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.1),
    /** Average call latency (ms) of those windows above which a connection is degraded. */
    HEALTH_LATENCY_THRESHOLD_MS: z.coerce.number().int().min(1).default(5_000),
    /** Windows with fewer calls are not judged. */
    HEALTH_WINDOW_MIN_CALLS: z.coerce.number().int().min(1).default(10),
    /** The hours of checks the API's uptime and p95 cover. */
    HEALTH_SUMMARY_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24),
    /** Alert channels and deliveries (needs JUNCTION_KEK: channel secrets are sealed). Run the delivery loop on this replica. */
    ALERT_DELIVERY_ENABLED: envBoolean.default(true),
    /** Attempts per delivery, the first included; the defaults spread 8 attempts over up to about 70 minutes. */
    ALERT_DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
    /** Backoff before retry n: full jitter over min(max, base × 2^(n−1)); a receiver's Retry-After replaces it. */
    ALERT_DELIVERY_BASE_DELAY_MS: z.coerce.number().int().min(0).default(60_000),
    ALERT_DELIVERY_MAX_DELAY_MS: z.coerce.number().int().min(1).default(1_200_000),
    /** One attempt (connect, send, answer) at most this long; the claim's lease is twice this plus 5 s. */
    ALERT_DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** Pause between delivery passes that found less than a full batch. */
    ALERT_DELIVERY_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
    /** Deliveries claimed and sent concurrently per pass. */
    ALERT_DELIVERY_BATCH: z.coerce.number().int().min(1).max(200).default(20),
  })
  .superRefine(refineBaseEnv);
export type Env = z.infer<typeof envSchema>;
