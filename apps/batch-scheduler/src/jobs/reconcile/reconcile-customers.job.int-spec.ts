import { Logger } from '@nestjs/common';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { jobsKit, outboxOfRun } from '../testing/jobs-test.kit';
import { startProviderSandboxes } from '../testing/provider-sandboxes';
import { ReconcileCustomersJob } from './reconcile-customers.job';

const TENANT = 'acme';

describe('reconcile.customers (Postgres, ERPNext and CRM sandboxes)', () => {
  let db: TestDatabase;
  let providers: Awaited<ReturnType<typeof startProviderSandboxes>>;
  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await createTestDatabase();
    providers = await startProviderSandboxes(db.prisma);
    const { erp, crm } = providers;
    // 12 customers on both sides with the same names (e-mail case differs on 4), 3 only in ERPNext, 2 only in the
    // CRM, 2 whose names differ.
    for (let i = 1; i <= 12; i++) {
      await erp.createCustomer({ customer_name: `Matched Co ${i}`, customer_type: 'Company', email_id: `m${i}@rec.test` });
      await crm.createContact({ email: i % 3 ? `m${i}@rec.test` : `M${i}@Rec.test`, company: `matched co ${i}` });
    }
    for (const i of [1, 2, 3]) await erp.createCustomer({ customer_name: `Erp Only ${i}`, customer_type: i === 3 ? 'Individual' : 'Company', email_id: `erp-only${i}@rec.test` });
    for (const i of [1, 2]) await crm.createContact({ email: `crm-only${i}@rec.test`, firstname: 'Crm', lastname: `Only ${i}` });
    await erp.createCustomer({ customer_name: 'Grace Hopper', customer_type: 'Individual', email_id: 'grace@rec.test' });
    await crm.createContact({ email: 'grace@rec.test', firstname: 'Grace', lastname: 'Murray' });
    await erp.createCustomer({ customer_name: 'Initech', customer_type: 'Company', email_id: 'initech@rec.test' });
    await crm.createContact({ email: 'initech@rec.test', company: 'Initrode' });
  });
  afterAll(async () => {
    await providers?.stop();
    await db?.drop();
  });

  it('finds the seeded missing and conflicting records and reports them as row errors with counts', async () => {
    const kit = jobsKit(db.prisma, { checkpointEvery: 3, pageSize: 5 });
    const job = new ReconcileCustomersJob(providers.erpnextReader, providers.crmReader, kit.publishing, kit.options);
    const context = await kit.context(job, TENANT, {});
    const result = await job.run(context);
    expect(result).toMatchObject({ crmContacts: 16, matched: 14, missingInCrm: 3, missingInErp: 2, conflicting: 2, duplicateEmailsInErp: 0 });

    const errors = await kit.runs.rowErrors(context.runId, 0, 100);
    const byCode = (code: string) => errors.filter((e) => e.code === code).map((e) => e.key);
    expect(byCode('MISSING_IN_CRM')).toEqual(['erp-only1@rec.test', 'erp-only2@rec.test', 'erp-only3@rec.test']);
    expect(byCode('MISSING_IN_ERP')).toEqual(['crm-only1@rec.test', 'crm-only2@rec.test']);
    expect(byCode('NAME_CONFLICT')).toEqual(['grace@rec.test', 'initech@rec.test']);
    expect(errors.map((e) => e.row)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await kit.runs.find(context.runId)).toMatchObject({ failed: 7, succeeded: 12 });
    expect(await outboxOfRun(db.prisma, context.runId)).toHaveLength(0);
  });

  it('with fix create_missing_in_crm, publishes one crm.lead.create per missing customer, once even when run again', async () => {
    const kit = jobsKit(db.prisma, { checkpointEvery: 3, pageSize: 5 });
    const job = new ReconcileCustomersJob(providers.erpnextReader, providers.crmReader, kit.publishing, kit.options);
    const params = { fix: 'create_missing_in_crm' as const, ratePerSecond: 100 };
    const context = await kit.context(job, TENANT, params);
    expect(await job.run(context)).toMatchObject({ missingInCrm: 3, leadsCreated: 3 });
    // The same run resumed from its stored cursor publishes nothing more.
    await job.run(await kit.context(job, TENANT, params, { runId: context.runId }));

    const leads = await outboxOfRun(db.prisma, context.runId);
    expect(leads.map((l) => l.type)).toEqual(['crm.lead.create', 'crm.lead.create', 'crm.lead.create']);
    expect(leads.map((l) => l.payload)).toEqual([
      { email: 'erp-only1@rec.test', company: 'Erp Only 1' },
      { email: 'erp-only2@rec.test', company: 'Erp Only 2' },
      { email: 'erp-only3@rec.test', firstName: 'Erp', lastName: 'Only 3' },
    ]);
    expect(kit.limiter.granted.filter((g) => g.key.provider === 'crm' && g.rule === 'batch-pace')).toHaveLength(3);
    expect(await kit.runs.find(context.runId)).toMatchObject({ failed: 7, succeeded: 12 });
  });
});
