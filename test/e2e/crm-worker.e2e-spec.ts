import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createMessage, type AnyMessage } from '@junction/contracts';
import { CRM_SANDBOX_TOKEN, CrmSandbox } from '@junction/connectors/crm';
import { RabbitMqTransport, toOutgoing, type DeliveredMessage } from '@junction/messaging';
import { createTestDatabase, rabbitMqReachable, startAppProcess, testRabbitMqUrl, waitUntil, type AppProcess, type TestDatabase } from '@junction/testing';

/**
 * The built crm-worker on RabbitMQ and Postgres against the CRM sandbox, as an operator runs it: commands published
 * on crm.commands, effects in the sandbox, answers on crm.events — once per command, through duplicates and a 5xx storm.
 */
const describeIfBroker = rabbitMqReachable('the crm-worker end-to-end test') ? describe : describe.skip;

describeIfBroker('crm-worker (built process, RabbitMQ, Postgres, CRM sandbox)', () => {
  const run = randomUUID().slice(0, 8);
  const sandbox = new CrmSandbox({ rateLimit: { max: 100_000 } });
  const bus = new RabbitMqTransport({ url: testRabbitMqUrl, connectionName: `e2e-crm-observer-${run}` });
  const events: DeliveredMessage[] = [];
  let db: TestDatabase;
  let worker: AppProcess;

  const answersTo = (id: string) => events.filter((e) => (e.body as AnyMessage).causationId === id).map((e) => e.body as AnyMessage);
  const send = async (...commands: AnyMessage[]) => bus.publish(commands.map((c) => toOutgoing(c)));
  const answered = (id: string, label: string) => waitUntil(() => answersTo(id).length > 0, 30_000, label);

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
    db = await createTestDatabase();
    const { url } = await sandbox.start();
    worker = await startAppProcess('dist/apps/crm-worker/main.js', {
      BUS: 'rabbitmq',
      RABBITMQ_URL: testRabbitMqUrl,
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      TENANT_ID: 'e2e-crm',
      CRM_URL: url,
      CRM_ACCESS_TOKEN: CRM_SANDBOX_TOKEN,
      CRM_TIMEOUT_MS: '2000',
    });
    await bus.connect();
    await bus.subscribe(
      {
        topic: 'crm.events',
        subscription: `e2e-crm-${run}`,
        types: ['crm.lead.created', 'crm.lead.create.failed', 'crm.opportunity.updated', 'crm.opportunity.update.failed', 'crm.pipeline-report.generated', 'crm.pipeline-report.generate.failed'],
        maxDeliveryCount: 3,
        concurrency: 4,
      },
      async (m) => {
        events.push(m);
        return { action: 'complete' };
      },
    );
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await bus.close();
    await sandbox.stop();
    await db?.drop();
  }, 60_000);

  it('creates a lead once when the command is delivered twice and another command names the same e-mail', async () => {
    const email = `e2e-${run}@example.com`;
    const first = createMessage('crm.lead.create', { email, firstName: 'Ada' }, { tenantId: 'e2e-crm' });
    const again = createMessage('crm.lead.create', { email: email.toUpperCase() }, { tenantId: 'e2e-crm' });
    await send(first, first);
    await answered(first.id, 'crm.lead.created');
    await send(again);
    await answered(again.id, 'the second command’s answer');
    await new Promise((r) => setTimeout(r, 500)); // room for a wrong second answer to arrive
    expect(sandbox.objects('contacts').filter((c) => c.properties.email === email)).toHaveLength(1);
    expect(answersTo(first.id)).toEqual([expect.objectContaining({ type: 'crm.lead.created', payload: expect.objectContaining({ alreadyExisted: false }) })]);
    expect(answersTo(again.id)).toEqual([expect.objectContaining({ type: 'crm.lead.created', payload: expect.objectContaining({ alreadyExisted: true }) })]);
  }, 60_000);

  it('updates a deal through a 5xx storm, then reports the pipeline', async () => {
    const res = await fetch(`${sandbox.url}/crm/v3/objects/deals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CRM_SANDBOX_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { dealname: 'E2E', amount: '500', dealstage: 'appointmentscheduled' } }),
    });
    const { id } = (await res.json()) as { id: string };
    // More failures than one call's attempts: the command is redelivered with backoff and then succeeds.
    sandbox.faults.set({ failNext: { count: 6, status: 503 } });
    const update = createMessage('crm.opportunity.update', { dealId: id, stage: 'contractsent', amount: 800 }, { tenantId: 'e2e-crm' });
    await send(update);
    await waitUntil(() => answersTo(update.id).length > 0, 60_000, 'crm.opportunity.updated after the storm');
    expect(sandbox.requests.filter((r) => r.status === 503).length).toBe(6);
    expect(answersTo(update.id)).toEqual([expect.objectContaining({ type: 'crm.opportunity.updated', payload: expect.objectContaining({ stage: 'contractsent', amount: 800 }) })]);
    expect(sandbox.ledger.filter((e) => e.id === id && e.action === 'updated')).toHaveLength(1);

    const report = createMessage('crm.pipeline-report.generate', {}, { tenantId: 'e2e-crm' });
    await send(report);
    await answered(report.id, 'crm.pipeline-report.generated');
    expect(answersTo(report.id)[0]).toMatchObject({ type: 'crm.pipeline-report.generated', payload: { pipelineId: 'default', dealCount: 1, totalAmount: 800, weightedForecast: 720 } });
  }, 90_000);

  it('answers a command it cannot run (a named connection, no JUNCTION_KEK) with crm.lead.create.failed, dead-lettered', async () => {
    const command = createMessage('crm.lead.create', { email: `nowhere-${run}@example.com` }, { tenantId: 'e2e-crm', connectionId: randomUUID() });
    await send(command);
    await answered(command.id, 'crm.lead.create.failed');
    expect(answersTo(command.id)).toEqual([
      expect.objectContaining({ type: 'crm.lead.create.failed', payload: expect.objectContaining({ commandId: command.id, code: 'NO_CONNECTION', deadLettered: true }) }),
    ]);
    expect(sandbox.objects('contacts').some((c) => c.properties.email === `nowhere-${run}@example.com`)).toBe(false);
  }, 60_000);

  it('without CRM credentials starts the CRM sandbox in-process and says so loudly', async () => {
    const demo = await startAppProcess('dist/apps/crm-worker/main.js', {
      BUS: 'rabbitmq',
      RABBITMQ_URL: testRabbitMqUrl,
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      CRM_SANDBOX_PORT: '0',
    });
    try {
      expect(demo.output()).toMatch(/NO CRM CREDENTIALS .* in-process CRM SANDBOX at http:\/\/[^\s]+:\d+/);
      expect((await fetch(`${demo.url}/health/ready`)).status).toBe(200);
    } finally {
      await demo.stop();
    }
  }, 60_000);
});
