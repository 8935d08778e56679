import { randomBytes, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { RetentionRepository, type RetentionSession, type RetentionTarget } from '@junction/persistence';
import { createTestDatabase, withPgClient, type TestDatabase } from '@junction/testing';
import { RETENTION_LOCK, RunRetentionHandler, type RetentionPolicy, type RetentionReport } from './run-retention.handler';

const DAY = 86_400_000;
const DAYS: RetentionPolicy['days'] = {
  'webhook-rejections': 14,
  'audit-events': 365,
  inbox: 30,
  'processed-messages': 45,
  'dead-letters': 30,
  'expired-webhook-secrets': 7,
  'connection-health': 30,
  'connection-events': 365,
  'expired-oauth-states': 1,
  'stale-claims': 7,
  'command-results': 45,
  'mcp-tool-calls': 30,
  'mcp-tool-audit': 90,
  'metric-windows-minute': 7,
  'metric-windows-hour': 400,
};

/** The retention job against real Postgres: what it deletes, how (batches, each committed), and who may run it. */
describe('RunRetentionHandler (Postgres)', () => {
  let db: TestDatabase;
  let now: Date;
  const ago = (days: number) => new Date(now.getTime() - days * DAY);

  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** The repository as the app builds it, with every batch's outcome observed (the database is real). */
  class ObservedRepository extends RetentionRepository {
    readonly batches: Array<{ target: RetentionTarget; limit: number; deleted: number; committedBefore: number; committedAfter: number }> = [];
    onBatch?: () => void;
    override exclusive<T>(lockName: string, work: (session: RetentionSession) => Promise<T>) {
      return super.exclusive(lockName, (session) =>
        work({
          ...session,
          deleteBatch: async (target, cutoff, limit) => {
            const committedBefore = await countVisible(target);
            const deleted = await session.deleteBatch(target, cutoff, limit);
            // Seen from another connection: the batch is committed as soon as its statement returns.
            this.batches.push({ target, limit, deleted, committedBefore, committedAfter: await countVisible(target) });
            this.onBatch?.();
            return deleted;
          },
        }),
      );
    }
  }
  const countVisible = async (target: RetentionTarget) => {
    const table = {
      'webhook-rejections': 'audit_event',
      'audit-events': 'audit_event',
      inbox: 'inbox_message',
      'processed-messages': 'processed_message',
      'dead-letters': 'dead_letter',
      'expired-webhook-secrets': 'credential',
      'connection-health': 'connection_health',
      'connection-events': 'connection_event',
      'expired-oauth-states': 'oauth_state',
      'stale-claims': 'command_claim',
      'command-results': 'command_result',
      'mcp-tool-calls': 'mcp_tool_call',
      'mcp-tool-audit': 'audit_event',
      'metric-windows-minute': 'metric_window',
      'metric-windows-hour': 'metric_window',
    }[target];
    const [row] = await db.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM "${table}"`);
    return Number(row!.n);
  };
  const handler = (policy: Partial<RetentionPolicy> = {}) => {
    const repository = new ObservedRepository(db.prisma);
    return { repository, handler: new RunRetentionHandler(repository, { days: DAYS, batchSize: 5, pauseMs: 0, ...policy }) };
  };
  const rows = (report: RetentionReport, target: RetentionTarget) => report.targets.find((t) => t.target === target)?.rows;

  async function seed() {
    now = new Date();
    await db.prisma.$executeRawUnsafe('TRUNCATE "audit_event", "inbox_message", "processed_message", "dead_letter", "webhook_endpoint", "credential", "connection", "integration_type", "command_claim", "command_result", "mcp_tool_call", "metric_window" CASCADE');
    const audit = (action: string, n: number, at: Date) =>
      db.prisma.auditEvent.createMany({ data: Array.from({ length: n }, () => ({ action, actor: 'test', outcome: 'x', occurredAt: at })) });
    await audit('webhook.rejected', 23, ago(20));
    await audit('webhook.rejected', 5, ago(13));
    await audit('endpoint.created', 3, ago(400));
    await audit('endpoint.created', 2, ago(100));
    const inbox = (n: number, at: Date) =>
      db.prisma.inboxMessage.createMany({ data: Array.from({ length: n }, () => ({ id: randomUUID(), endpointId: 'e', provider: 'p', eventId: randomUUID(), eventType: 't', receivedAt: at })) });
    await inbox(17, ago(31));
    await inbox(4, ago(29));
    const processed = (n: number, at: Date) => db.prisma.processedMessage.createMany({ data: Array.from({ length: n }, () => ({ consumer: 'c', messageId: randomUUID(), processedAt: at })) });
    await processed(9, ago(46));
    await processed(3, ago(44));
    const dead = (n: number, at: Date) =>
      db.prisma.deadLetter.createMany({
        data: Array.from({ length: n }, () => ({ messageId: randomUUID(), topic: 't', subscription: 's', type: 'x', reason: 'r', description: 'd', deliveryCount: 1, rawBody: '{}', headers: {}, deadLetteredAt: at })),
      });
    await dead(4, ago(31));
    await dead(2, ago(29));
    await db.prisma.webhookEndpoint.create({ data: { id: 'shop', tenantId: 't1', provider: 'shopify', scheme: 'shopify' } });
    for (const [name, expiresAt] of [['long-expired', ago(8)], ['recently-expired', ago(6)], ['active', null]] as const) {
      const credentialId = randomUUID();
      await db.prisma.credential.create({ data: { id: credentialId, tenantId: 't1', purpose: name, ciphertext: randomBytes(8), iv: randomBytes(12), tag: randomBytes(16), wrappedKey: randomBytes(60), keyId: 'k' } });
      await db.prisma.webhookSecret.create({ data: { endpointId: 'shop', credentialId, expiresAt } });
    }
    await db.prisma.integrationType.create({ data: { slug: 'rest', name: 'REST', kind: 'custom', category: 'devtools', description: 'd', authMethods: ['none'], configSchema: {} } });
    const { id: connectionId } = await db.prisma.connection.create({ data: { tenantId: 't1', typeSlug: 'rest', name: 'api', authMethod: 'none' } });
    const health = (n: number, at: Date) =>
      db.prisma.connectionHealth.createMany({ data: Array.from({ length: n }, () => ({ connectionId, tenantId: 't1', ok: true, latencyMs: 5, checkedAt: at })) });
    await health(6, ago(31));
    await health(2, ago(29));
    const events = (n: number, at: Date) =>
      db.prisma.connectionEvent.createMany({ data: Array.from({ length: n }, () => ({ connectionId, tenantId: 't1', type: 'tested', actor: 'test', occurredAt: at })) });
    await events(3, ago(366));
    await events(2, ago(364));
    for (const [state, expiresAt] of [['old', ago(2)], ['fresh', new Date(now.getTime() + 600_000)]] as const) {
      const credentialId = randomUUID();
      await db.prisma.credential.create({ data: { id: credentialId, tenantId: 't1', purpose: 'oauth-pkce', ciphertext: randomBytes(8), iv: randomBytes(12), tag: randomBytes(16), wrappedKey: randomBytes(60), keyId: 'k' } });
      await db.prisma.oAuthState.create({ data: { state, connectionId, tenantId: 't1', credentialId, redirectUri: 'http://localhost/oauth/callback', expiresAt } });
    }
    const claims = (n: number, leaseUntil: Date) =>
      db.prisma.commandClaim.createMany({ data: Array.from({ length: n }, () => ({ consumer: 'erp-worker', messageId: randomUUID(), owner: 'host:1:x', leaseUntil })) });
    await claims(4, ago(8));
    await claims(2, ago(6));
    await claims(1, new Date(now.getTime() + 60_000));
    // mcp-gateway: one audit row per tool call (older than the admin trail's 365 days too: its own target takes them),
    // each command's answer, per-call metrics.
    await audit('mcp.tool.called', 1, ago(400));
    await audit('mcp.tool.called', 4, ago(91));
    await audit('mcp.tool.called', 2, ago(89));
    const results = (n: number, at: Date) =>
      db.prisma.commandResult.createMany({
        data: Array.from({ length: n }, () => ({ commandId: randomUUID(), tenantId: 't1', commandType: 'mcp.tool.invoke', eventType: 'mcp.tool.invoked', outcome: 'succeeded', payload: {}, receivedAt: at })),
      });
    await results(6, ago(46));
    await results(2, ago(44));
    const toolCalls = (n: number, at: Date) =>
      db.prisma.mcpToolCall.createMany({ data: Array.from({ length: n }, () => ({ tool: 'everything__echo', tenantId: 't1', apiKeyId: 'k', outcome: 'ok', latencyMs: 3, calledAt: at })) });
    await toolCalls(3, ago(31));
    await toolCalls(1, ago(29));
    // metrics-aggregator's windows: each size by its own age.
    const windows = (size: '1m' | '1h', starts: Date[]) =>
      db.prisma.metricWindow.createMany({
        data: starts.map((windowStart) => ({
          windowSize: size, windowStart, tenantId: 't1', provider: 'erpnext', connection: 'c', operation: 'op',
          total: 1, successful: 1, failed: 0, unavailable: 0, errorRate: 0, uptimePct: 100,
          latencySumMs: 5, latencyMaxMs: 5, avgLatencyMs: 5, p95LatencyMs: 5, p99LatencyMs: 5, latencySketch: Buffer.alloc(0),
        })),
      });
    await windows('1m', [ago(8), new Date(ago(8).getTime() + 60_000), ago(6)]);
    await windows('1h', [ago(401), ago(30), ago(8)]);
  }

  it('deletes only rows older than each cutoff, in committed batches of the configured size, and leaves newer ones', async () => {
    await seed();
    const { repository, handler: job } = handler();
    const report = await job.execute({ now });

    expect(report.status).toBe('done');
    expect(Object.fromEntries(report.targets.map((t) => [t.target, t.rows]))).toEqual({
      'webhook-rejections': 23,
      'audit-events': 3,
      inbox: 17,
      'processed-messages': 9,
      'dead-letters': 4,
      'expired-webhook-secrets': 1,
      'connection-health': 6,
      'connection-events': 3,
      'expired-oauth-states': 1,
      'stale-claims': 4,
      'command-results': 6,
      'mcp-tool-calls': 3,
      'mcp-tool-audit': 5,
      'metric-windows-minute': 2,
      'metric-windows-hour': 1,
    });
    expect(await db.prisma.metricWindow.count({ where: { windowSize: '1m' } })).toBe(1);
    expect(await db.prisma.metricWindow.count({ where: { windowSize: '1h' } })).toBe(2);
    expect(await db.prisma.commandResult.count()).toBe(2);
    expect(await db.prisma.mcpToolCall.count()).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { action: 'mcp.tool.called' } })).toBe(2);
    expect(await db.prisma.commandClaim.count()).toBe(3);
    expect(await db.prisma.connectionHealth.count()).toBe(2);
    expect(await db.prisma.connectionEvent.count()).toBe(2);
    expect((await db.prisma.oAuthState.findMany()).map((row) => row.state)).toEqual(['fresh']);
    expect(await db.prisma.auditEvent.count({ where: { action: 'webhook.rejected' } })).toBe(5);
    expect(await db.prisma.auditEvent.count({ where: { action: 'endpoint.created' } })).toBe(2);
    expect(await db.prisma.auditEvent.count({ where: { occurredAt: { lt: ago(14) }, action: 'webhook.rejected' } })).toBe(0);
    expect(await db.prisma.inboxMessage.count()).toBe(4);
    expect(await db.prisma.processedMessage.count()).toBe(3);
    expect(await db.prisma.deadLetter.count()).toBe(2);
    const secrets = await db.prisma.webhookSecret.findMany({ include: { credential: true } });
    expect(secrets.map((s) => s.credential.purpose).sort()).toEqual(['active', 'recently-expired']);
    // The two webhook secrets kept, and the fresh OAuth state's PKCE verifier.
    expect(await db.prisma.credential.count()).toBe(3);

    // 23 webhook rejections with batches of 5: 5, 5, 5, 5, 3, each committed when its statement returned.
    const rejections = repository.batches.filter((b) => b.target === 'webhook-rejections');
    expect(rejections.map((b) => b.deleted)).toEqual([5, 5, 5, 5, 3]);
    for (const batch of repository.batches) {
      expect(batch.limit).toBe(5);
      expect(batch.deleted).toBeLessThanOrEqual(5);
      expect(batch.committedBefore - batch.committedAfter).toBe(batch.deleted);
    }

    // Nothing is left to do, and the lock was released.
    expect((await handler().handler.execute({ now })).targets.every((t) => t.rows === 0)).toBe(true);
    expect(await advisoryLocksHeld()).toBe(0);
  });

  it('a dry run counts what would go and deletes nothing', async () => {
    await seed();
    const report = await handler().handler.execute({ now, dryRun: true });
    expect(report).toMatchObject({ status: 'done', dryRun: true });
    expect(rows(report, 'webhook-rejections')).toBe(23);
    expect(rows(report, 'inbox')).toBe(17);
    expect(rows(report, 'expired-webhook-secrets')).toBe(1);
    expect(rows(report, 'mcp-tool-audit')).toBe(5);
    expect(rows(report, 'audit-events')).toBe(3);
    expect(await db.prisma.auditEvent.count()).toBe(40);
    expect(await db.prisma.inboxMessage.count()).toBe(21);
  });

  it('keeps a target forever when its days are 0', async () => {
    await seed();
    const report = await handler({ days: { ...DAYS, inbox: 0, 'processed-messages': 0, 'mcp-tool-audit': 0 } }).handler.execute({ now });
    expect(report.targets.find((t) => t.target === 'inbox')).toMatchObject({ rows: 0, cutoff: null });
    expect(await db.prisma.inboxMessage.count()).toBe(21);
    expect(await db.prisma.processedMessage.count()).toBe(12);
    expect(await db.prisma.deadLetter.count()).toBe(2);
    // Kept forever, and not taken by the admin trail's target either.
    expect(await db.prisma.auditEvent.count({ where: { action: 'mcp.tool.called' } })).toBe(7);
  });

  it('lets only one of two concurrent runs work (advisory lock); the lock is free again afterwards', async () => {
    await seed();
    const first = handler({ pauseMs: 200 });
    let firstBatch!: () => void;
    const firstBatchDone = new Promise<void>((resolve) => (firstBatch = resolve));
    first.repository.onBatch = () => firstBatch();
    const running = first.handler.execute({ now });
    await firstBatchDone;

    const second = handler();
    const concurrent = await second.handler.execute({ now });
    expect(concurrent).toMatchObject({ status: 'locked', targets: [] });
    expect(second.repository.batches).toEqual([]);

    const done = await running;
    expect(done.status).toBe('done');
    expect(rows(done, 'webhook-rejections')).toBe(23);
    expect(await advisoryLocksHeld()).toBe(0);
    expect((await handler().handler.execute({ now })).status).toBe('done');
  });

  it('does nothing while another session (another replica) holds the lock', async () => {
    await seed();
    await withPgClient(db.url, async (other) => {
      await other.query('SELECT pg_advisory_lock(hashtext($1))', [RETENTION_LOCK]);
      const report = await handler().handler.execute({ now });
      expect(report.status).toBe('locked');
      expect(await db.prisma.auditEvent.count()).toBe(40);
    });
    expect((await handler().handler.execute({ now })).status).toBe('done');
    expect(await db.prisma.auditEvent.count()).toBe(9);
  });

  it('stops between batches when aborted (shutdown) and releases the lock', async () => {
    await seed();
    const abort = new AbortController();
    const job = handler({ pauseMs: 10_000 });
    job.repository.onBatch = () => abort.abort();
    const started = Date.now();
    const report = await job.handler.execute({ now, signal: abort.signal });
    expect(report.status).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(job.repository.batches).toHaveLength(1);
    expect(await db.prisma.auditEvent.count({ where: { action: 'webhook.rejected' } })).toBe(28 - 5);
    expect(await advisoryLocksHeld()).toBe(0);
  });

  const advisoryLocksHeld = async () => {
    // pg_locks is server-wide: only this test database's advisory locks.
    const [row] = await db.prisma.$queryRaw<Array<{ n: bigint }>>`
      SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
    return Number(row!.n);
  };
});
