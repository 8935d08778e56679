import { randomUUID } from 'node:crypto';
import { createTestDatabase, withPgClient, type TestDatabase } from '@junction/testing';
import { RETENTION_LOCK } from '../../../batch-scheduler/src/retention/usecases/run-retention/run-retention.handler';
import { runCli } from '../cli';

const DAY = 86_400_000;

/** `junction retention run [--dry-run]` with the real runtime against a real, migrated Postgres. */
describe('junction retention run (real Postgres)', () => {
  let db: TestDatabase;

  const junction = async (argv: string[], env: Record<string, string> = {}) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { env: { DATABASE_URL: db.url, ...env }, io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => '' } });
    return { code, stdout, stderr };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const at = (days: number) => new Date(Date.now() - days * DAY);
    await db.prisma.auditEvent.createMany({ data: [20, 20, 20, 1].map((days) => ({ action: 'webhook.rejected', actor: 'webhook', outcome: 'ENDPOINT_NOT_FOUND', occurredAt: at(days) })) });
    await db.prisma.inboxMessage.createMany({ data: [40, 2].map((days) => ({ id: randomUUID(), endpointId: 'e', provider: 'p', eventId: randomUUID(), eventType: 't', receivedAt: at(days) })) });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('--dry-run counts what would go and deletes nothing', async () => {
    const { code, stdout } = await junction(['retention', 'run', '--dry-run', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { dryRun: boolean; targets: Array<{ target: string; rows: number }> };
    expect(report.dryRun).toBe(true);
    expect(report.targets.find((t) => t.target === 'webhook-rejections')?.rows).toBe(3);
    expect(report.targets.find((t) => t.target === 'inbox')?.rows).toBe(1);
    expect(await db.prisma.auditEvent.count()).toBe(4);
  });

  it('answers RETENTION_BUSY (exit 1) and deletes nothing while another run holds the lock', async () => {
    await withPgClient(db.url, async (other) => {
      await other.query('SELECT pg_advisory_lock(hashtext($1))', [RETENTION_LOCK]);
      const busy = await junction(['retention', 'run']);
      expect(busy).toMatchObject({ code: 1, stdout: '' });
      expect(busy.stderr).toMatch(/^junction: RETENTION_BUSY: /);
    });
    expect(await db.prisma.auditEvent.count()).toBe(4);
  });

  it('deletes the old rows in batches of RETENTION_BATCH_SIZE and keeps the newer ones', async () => {
    const { code, stdout } = await junction(['retention', 'run'], { RETENTION_BATCH_SIZE: '2' });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^webhook-rejections\s+14 d\s+\S+\s+3\s+2$/m);
    expect(stdout).toMatch(/^inbox\s+30 d\s+\S+\s+1\s+1$/m);
    expect(stdout).toContain('Deleted 4 row(s)');
    expect(await db.prisma.auditEvent.count()).toBe(1);
    expect(await db.prisma.inboxMessage.count()).toBe(1);
  });

  it('refuses a processed-message retention shorter than the dead letters it must outlive (exit 78)', async () => {
    const { code, stderr } = await junction(['retention', 'run'], { RETENTION_PROCESSED_MESSAGES_DAYS: '20' });
    expect(code).toBe(78);
    expect(stderr).toContain('RETENTION_PROCESSED_MESSAGES_DAYS');
  });
});
