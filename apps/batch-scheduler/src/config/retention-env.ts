import { z } from 'zod';
import type { RetentionPolicy } from '../retention/usecases/run-retention/run-retention.handler';

/** Whole days, 0 = keep forever; `min` guards tables whose rows are a correctness record, not just history. */
const anyDays = (min: number) =>
  z.coerce
    .number()
    .int()
    .min(0)
    .max(36_500)
    .refine((v) => v === 0 || v >= min, `0 (keep forever) or at least ${min} days`);
const days = (fallback: number, min: number) => anyDays(min).default(fallback);

/**
 * How long rows are kept, read by batch-scheduler (which runs the job) and the CLI (`junction retention run`), so
 * both cut at the same ages. Zod only: the CLI must not load @junction/platform to parse it.
 *
 * Defaults, and why:
 * - webhook rejections 14 days: attack and misconfiguration forensics; sampled and aggregated, so small anyway;
 * - other audit events (admin changes) 365 days: who changed an endpoint or a key, for a year of reviews;
 * - inbox 30 days (at least 7): the webhook dedupe record only has to outlive providers' retries (Stripe 3 days,
 *   Shopify 48 h, Svix/Standard Webhooks about a day) and manual resends from their dashboards;
 * - processed messages 45 days (at least 7, and at least dead letters + 7): the idempotent-consumer guard and
 *   POST /commands' duplicate check. A mark must outlive every way its message can come back: broker redelivery
 *   (MAX_DELIVERY_COUNT ≤ 100 × a 5 min backoff cap, 60 min with Retry-After: hours, at most ~4 days), Service Bus
 *   duplicate detection (10 min), a client retrying a command, and a redrive from the dead-letter mirror, which
 *   can happen as long as that mirror keeps the message;
 * - dead letters 30 days: time to inspect and redrive;
 * - expired webhook secrets 7 days after they expired: an operator can still see what a rotation replaced;
 * - connection health checks 30 days: the uptime and latency history an operator looks at;
 * - connection events 365 days: who connected, rotated or disconnected what, like the audit trail;
 * - expired OAuth authorizations 1 day after they expired (they are useless after their 10 minutes);
 * - effect-step claims 7 days after their lease ran out (a committed command deletes its own; these are the claims of
 *   commands that failed and were dead-lettered: nothing reads them once the lease is over);
 * - command results (mcp-gateway) as long as processed messages unless set, and never fewer: a tool call retried with
 *   the same idempotency key is a duplicate as long as its processed mark lives, and then finds its answer only here
 *   (without it the call and GET /commands/:id would say pending for ever);
 * - MCP tool call metrics 30 days (at least 7: junction://metrics/tools looks back up to 7 days);
 * - MCP tool call audit rows 90 days: who called which tool, one row per call, so far more than admin changes.
 */
export const retentionEnvShape = {
  RETENTION_WEBHOOK_REJECTIONS_DAYS: days(14, 1),
  RETENTION_AUDIT_DAYS: days(365, 1),
  RETENTION_INBOX_DAYS: days(30, 7),
  RETENTION_PROCESSED_MESSAGES_DAYS: days(45, 7),
  RETENTION_DEAD_LETTERS_DAYS: days(30, 1),
  RETENTION_EXPIRED_SECRETS_DAYS: days(7, 1),
  RETENTION_CONNECTION_HEALTH_DAYS: days(30, 1),
  RETENTION_CONNECTION_EVENTS_DAYS: days(365, 1),
  RETENTION_EXPIRED_OAUTH_STATES_DAYS: days(1, 1),
  RETENTION_STALE_CLAIMS_DAYS: days(7, 1),
  /** Unset: RETENTION_PROCESSED_MESSAGES_DAYS. */
  RETENTION_COMMAND_RESULTS_DAYS: anyDays(7).optional(),
  RETENTION_MCP_TOOL_CALLS_DAYS: days(30, 7),
  RETENTION_MCP_TOOL_AUDIT_DAYS: days(90, 1),
  /** metrics-aggregator's 1-minute windows (Prometheus reads the last minutes; the read API an hour by default). */
  RETENTION_METRIC_MINUTE_WINDOWS_DAYS: days(7, 1),
  /** Its 1-hour windows: trends and uptime over months. */
  RETENTION_METRIC_HOUR_WINDOWS_DAYS: days(400, 7),
  /** Rows per DELETE statement (each its own short transaction). */
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(1_000),
  /** Pause between two batches, so that a large backlog never hogs the database. */
  RETENTION_BATCH_PAUSE_MS: z.coerce.number().int().min(0).max(60_000).default(50),
};

type RetentionEnv = z.infer<z.ZodObject<typeof retentionEnvShape>>;

/**
 * Processed-message marks must outlive the dead letters that could be redriven, and command results the processed
 * marks (0 = forever on either side).
 */
export function refineRetentionEnv(env: RetentionEnv, ctx: z.RefinementCtx): void {
  const processed = env.RETENTION_PROCESSED_MESSAGES_DAYS;
  const deadLetters = env.RETENTION_DEAD_LETTERS_DAYS;
  if (processed !== 0 && (deadLetters === 0 || processed < deadLetters + 7)) {
    ctx.addIssue({
      code: 'custom',
      path: ['RETENTION_PROCESSED_MESSAGES_DAYS'],
      message: `must be at least RETENTION_DEAD_LETTERS_DAYS + 7 (${deadLetters === 0 ? 'dead letters are kept forever: 0' : deadLetters + 7}): a redriven dead letter must still find its processed mark`,
    });
  }
  const results = env.RETENTION_COMMAND_RESULTS_DAYS;
  if (results !== undefined && results !== 0 && (processed === 0 || results < processed)) {
    ctx.addIssue({
      code: 'custom',
      path: ['RETENTION_COMMAND_RESULTS_DAYS'],
      message: `must be at least RETENTION_PROCESSED_MESSAGES_DAYS (${processed === 0 ? 'processed messages are kept forever: 0' : processed}): a command still known as submitted must still find its answer`,
    });
  }
}

export function retentionPolicy(env: RetentionEnv): RetentionPolicy {
  return {
    days: {
      'webhook-rejections': env.RETENTION_WEBHOOK_REJECTIONS_DAYS,
      'audit-events': env.RETENTION_AUDIT_DAYS,
      inbox: env.RETENTION_INBOX_DAYS,
      'processed-messages': env.RETENTION_PROCESSED_MESSAGES_DAYS,
      'dead-letters': env.RETENTION_DEAD_LETTERS_DAYS,
      'expired-webhook-secrets': env.RETENTION_EXPIRED_SECRETS_DAYS,
      'connection-health': env.RETENTION_CONNECTION_HEALTH_DAYS,
      'connection-events': env.RETENTION_CONNECTION_EVENTS_DAYS,
      'expired-oauth-states': env.RETENTION_EXPIRED_OAUTH_STATES_DAYS,
      'stale-claims': env.RETENTION_STALE_CLAIMS_DAYS,
      'command-results': env.RETENTION_COMMAND_RESULTS_DAYS ?? env.RETENTION_PROCESSED_MESSAGES_DAYS,
      'mcp-tool-calls': env.RETENTION_MCP_TOOL_CALLS_DAYS,
      'mcp-tool-audit': env.RETENTION_MCP_TOOL_AUDIT_DAYS,
      'metric-windows-minute': env.RETENTION_METRIC_MINUTE_WINDOWS_DAYS,
      'metric-windows-hour': env.RETENTION_METRIC_HOUR_WINDOWS_DAYS,
    },
    batchSize: env.RETENTION_BATCH_SIZE,
    pauseMs: env.RETENTION_BATCH_PAUSE_MS,
  };
}
