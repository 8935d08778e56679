import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { runCli } from '../cli';

/** `junction alerts list | show | rules | set-rule` with the real runtime over a real Postgres. */
describe('junction alerts (real Postgres)', () => {
  let db: TestDatabase;
  let alertId: string;

  const junction = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { env: { DATABASE_URL: db.url }, io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => '' } });
    return { code, stdout, stderr };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const firedAt = new Date('2026-05-01T10:00:00.000Z');
    const alert = await db.prisma.alert.create({
      data: { tenantId: 'acme', rule: 'auth_failures', subject: 'crm/main', openKey: 'acme|auth_failures|crm/main', status: 'firing', severity: 'critical', summary: 'crm/main: 2 authentication failure(s)', value: 2, threshold: 1, labels: { provider: 'crm' }, firedAt },
    });
    alertId = alert.id;
    await db.prisma.alert.create({ data: { tenantId: 'other', rule: 'error_rate', subject: 'erpnext/x', status: 'resolved', severity: 'warning', summary: 'not acme', firedAt } });
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  }, 30_000);

  it("lists and shows the tenant's alerts only", async () => {
    const list = await junction('alerts', 'list', '--tenant', 'acme');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(alertId);
    expect(list.stdout).toMatch(/auth_failures\s+critical\s+firing\s+crm\/main\s+2\s+1\s+2026-05-01T10:00:00Z/);
    expect(list.stdout).not.toContain('erpnext/x');
    const json = JSON.parse((await junction('alerts', 'list', '--tenant', 'acme', '--status', 'resolved', '--json')).stdout) as { items: unknown[] };
    expect(json.items).toEqual([]);
    const show = await junction('alerts', 'show', alertId, '--tenant', 'acme');
    expect(show.stdout).toContain('crm/main: 2 authentication failure(s)');
    expect(show.stdout).toContain('deliveries  none');
    const elsewhere = await junction('alerts', 'show', alertId, '--tenant', 'other');
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stderr).toContain('ALERT_NOT_FOUND');
  });

  it('shows the rules, sets and resets overrides, refuses bad params with ALERT_RULE_INVALID', async () => {
    const set = await junction('alerts', 'set-rule', 'error_rate', '--tenant', 'acme', '--param', 'threshold=0.2', '--param', 'minCalls=25', '--disable');
    expect(set.code).toBe(0);
    expect(await db.prisma.alertRule.findUniqueOrThrow({ where: { tenantId_rule: { tenantId: 'acme', rule: 'error_rate' } } })).toMatchObject({ enabled: false, params: { threshold: 0.2, minCalls: 25 } });
    const rules = await junction('alerts', 'rules', '--tenant', 'acme');
    expect(rules.stdout).toMatch(/error_rate\s+no\s+windowMinutes=5 threshold=0.2 minCalls=25 severity=warning\s+threshold=0.2 minCalls=25/);
    expect(rules.stdout).toMatch(/failures_burst\s+yes\s+windowMinutes=5 threshold=5 severity=warning\s+-/);

    const bad = await junction('alerts', 'set-rule', 'error_rate', '--tenant', 'acme', '--param', 'threshold=lots');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('ALERT_RULE_INVALID');
    expect((await junction('alerts', 'set-rule', 'error_rate', '--tenant', 'acme')).stderr).toContain('give --enable, --disable');

    await junction('alerts', 'set-rule', 'error_rate', '--tenant', 'acme', '--reset', '--enable');
    expect(await db.prisma.alertRule.findUniqueOrThrow({ where: { tenantId_rule: { tenantId: 'acme', rule: 'error_rate' } } })).toMatchObject({ enabled: true, params: {} });
  });
});
