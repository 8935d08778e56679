import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { type Exclusive, withSessionLock } from '../locks/session-lock';
import { PrismaService } from '../prisma/prisma.service';

/**
 * What retention deletes, each by the age of one indexed column:
 * - `webhook-rejections`: audit_event rows of action webhook.rejected, by occurredAt ((action, occurredAt) index);
 * - `audit-events`: every other audit_event row (admin changes), by occurredAt;
 * - `inbox`: inbox_message (the webhook dedupe record) by receivedAt;
 * - `processed-messages`: processed_message (idempotent-consumer guard, POST /commands' duplicate check) by processedAt;
 * - `dead-letters`: dead_letter mirror rows by deadLetteredAt;
 * - `expired-webhook-secrets`: webhook secrets whose expiresAt passed the cutoff, deleted with their credential row
 *   (the credential delete cascades to webhook_secret). Never an unexpired secret.
 * - `connection-health`: connection_health (one row per connection test) by checkedAt;
 * - `connection-events`: connection_event (a connection's event log) by occurredAt;
 * - `expired-oauth-states`: pending OAuth authorizations whose expiresAt passed the cutoff, deleted with the credential
 *   row that seals their PKCE verifier (the delete cascades to oauth_state).
 * - `stale-claims`: command_claim rows whose lease ran out before the cutoff. A committed command deletes its claim; what
 *   stays is a claim released by a failure whose command was then dead-lettered or never came back. A redelivery or a
 *   redrive after the delete simply claims afresh.
 * - `command-results`: command_result (mcp-gateway: each command's answer, what a tool call and GET /commands/:id
 *   return) by receivedAt;
 * - `mcp-tool-calls`: mcp_tool_call (mcp-gateway's per-call metrics rows) by calledAt;
 * - `mcp-tool-audit`: audit_event rows of action mcp.tool.called (one per MCP tool call) by occurredAt, kept apart from
 *   the admin audit trail (`audit-events`) because they come at the rate of tool calls.
 * - `metric-windows-minute` / `metric-windows-hour`: metric_window rows (metrics-aggregator) of each window size by
 *   windowStart (the primary key leads with windowSize, windowStart): minutes are many and short-lived, hours are kept
 *   for trends.
 */
export const RETENTION_TARGETS = [
  'webhook-rejections',
  'audit-events',
  'inbox',
  'processed-messages',
  'dead-letters',
  'expired-webhook-secrets',
  'connection-health',
  'connection-events',
  'expired-oauth-states',
  'stale-claims',
  'command-results',
  'mcp-tool-calls',
  'mcp-tool-audit',
  'metric-windows-minute',
  'metric-windows-hour',
] as const;
export type RetentionTarget = (typeof RETENTION_TARGETS)[number];

/**
 * $1 = cutoff, rows strictly older go. Fixed SQL text: nothing here comes from a caller but the two parameters.
 * `ctid = ANY(ARRAY(SELECT ctid … LIMIT $2))` is a TID scan over one index-ordered batch: each statement touches at
 * most $2 rows, and rows that are not old enough are never read. `viaCredential`: the rows hang off a sealed credential,
 * which is deleted instead (the delete cascades to them), so no secret outlives them.
 */
const OLDER_THAN: Record<RetentionTarget, { table: string; where: string; viaCredential?: true }> = {
  'webhook-rejections': { table: 'audit_event', where: `"action" = 'webhook.rejected' AND "occurredAt" < $1` },
  'audit-events': { table: 'audit_event', where: `"action" NOT IN ('webhook.rejected', 'mcp.tool.called') AND "occurredAt" < $1` },
  inbox: { table: 'inbox_message', where: `"receivedAt" < $1` },
  'processed-messages': { table: 'processed_message', where: `"processedAt" < $1` },
  'dead-letters': { table: 'dead_letter', where: `"deadLetteredAt" < $1` },
  'expired-webhook-secrets': { table: 'webhook_secret', where: `"expiresAt" < $1`, viaCredential: true },
  'connection-health': { table: 'connection_health', where: `"checkedAt" < $1` },
  'connection-events': { table: 'connection_event', where: `"occurredAt" < $1` },
  'expired-oauth-states': { table: 'oauth_state', where: `"expiresAt" < $1`, viaCredential: true },
  'stale-claims': { table: 'command_claim', where: `"leaseUntil" < $1` },
  'command-results': { table: 'command_result', where: `"receivedAt" < $1` },
  'mcp-tool-calls': { table: 'mcp_tool_call', where: `"calledAt" < $1` },
  'mcp-tool-audit': { table: 'audit_event', where: `"action" = 'mcp.tool.called' AND "occurredAt" < $1` },
  'metric-windows-minute': { table: 'metric_window', where: `"windowSize" = '1m' AND "windowStart" < $1` },
  'metric-windows-hour': { table: 'metric_window', where: `"windowSize" = '1h' AND "windowStart" < $1` },
};

function deleteSql(target: RetentionTarget): string {
  const { table, where, viaCredential } = OLDER_THAN[target];
  if (viaCredential) {
    return `DELETE FROM "credential" WHERE "id" = ANY(ARRAY(SELECT "credentialId" FROM "${table}" WHERE ${where} LIMIT $2))`;
  }
  return `DELETE FROM "${table}" WHERE ctid = ANY(ARRAY(SELECT ctid FROM "${table}" WHERE ${where} LIMIT $2))`;
}

/** The connection a retention run holds: each call is one statement, so one short transaction of its own. */
export interface RetentionSession {
  /** Deletes at most `limit` rows of `target` older than `cutoff`; resolves with how many it deleted. */
  deleteBatch(target: RetentionTarget, cutoff: Date, limit: number): Promise<number>;
  /** How many rows of `target` are older than `cutoff` (a dry run's answer). */
  countOlder(target: RetentionTarget, cutoff: Date): Promise<number>;
}


/**
 * Deletes old rows in bounded batches, and the session-level advisory lock that keeps concurrent runs (replicas of
 * batch-scheduler, a CLI run) from doing the same work twice.
 */
@Injectable()
export class RetentionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Runs `work` holding the session advisory lock `lockName` (withSessionLock), or `{ acquired: false }` at once. */
  exclusive<T>(lockName: string, work: (session: RetentionSession) => Promise<T>): Promise<Exclusive<T>> {
    return withSessionLock(this.prisma.pool, lockName, (client) => work(session(client)));
  }

  /** A session without the lock, on pooled connections: for counting (dry runs), never for deleting. */
  readOnly(): Pick<RetentionSession, 'countOlder'> {
    return { countOlder: (target, cutoff) => countOlder((text, values) => this.prisma.pool.query(text, values), target, cutoff) };
  }
}

type Query = (text: string, values: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>;

function session(client: PoolClient): RetentionSession {
  return {
    deleteBatch: async (target, cutoff, limit) => (await client.query(deleteSql(target), [cutoff, limit])).rowCount ?? 0,
    countOlder: (target, cutoff) => countOlder((text, values) => client.query(text, values), target, cutoff),
  };
}

async function countOlder(query: Query, target: RetentionTarget, cutoff: Date): Promise<number> {
  const { table, where } = OLDER_THAN[target];
  const { rows } = await query(`SELECT count(*) AS n FROM "${table}" WHERE ${where}`, [cutoff]);
  return Number(rows[0]?.n ?? 0);
}
