import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createMessage, type AnyMessage } from '@junction/contracts';
import { LinkedInSandbox } from '@junction/connectors/linkedin';
import { RabbitMqTransport, toOutgoing, type DeliveredMessage } from '@junction/messaging';
import { createTestDatabase, rabbitMqReachable, startAppProcess, testRabbitMqUrl, waitUntil, type AppProcess, type TestDatabase } from '@junction/testing';

/**
 * The built linkedin-worker on RabbitMQ and Postgres against the LinkedIn sandbox, as an operator runs it with a member
 * token: commands on linkedin.commands, posts in the sandbox, one answer per command on linkedin.events — also for a
 * command LinkedIn refuses for good, which is dead-lettered and still answered.
 */
const describeIfBroker = rabbitMqReachable('the linkedin-worker end-to-end test') ? describe : describe.skip;

describeIfBroker('linkedin-worker (built process, RabbitMQ, Postgres, LinkedIn sandbox)', () => {
  const run = randomUUID().slice(0, 8);
  const sandbox = new LinkedInSandbox();
  const bus = new RabbitMqTransport({ url: testRabbitMqUrl, connectionName: `e2e-linkedin-observer-${run}` });
  const events: DeliveredMessage[] = [];
  const tenantId = 'e2e-linkedin';
  let db: TestDatabase;
  let worker: AppProcess;

  const answersTo = (id: string) => events.filter((e) => (e.body as AnyMessage).causationId === id).map((e) => e.body as AnyMessage);
  const send = async (...commands: AnyMessage[]) => bus.publish(commands.map((c) => toOutgoing(c)));
  const answered = (id: string, label: string) => waitUntil(() => answersTo(id).length > 0, 30_000, label);

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
    db = await createTestDatabase();
    const { url } = await sandbox.start();
    worker = await startAppProcess('dist/apps/linkedin-worker/main.js', {
      BUS: 'rabbitmq',
      RABBITMQ_URL: testRabbitMqUrl,
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      TENANT_ID: tenantId,
      MAX_DELIVERY_COUNT: '3',
      LINKEDIN_API_URL: url,
      LINKEDIN_ACCESS_TOKEN: sandbox.issueTokens().access_token,
      LINKEDIN_VERSION: sandbox.latestVersion,
      LINKEDIN_ORGANIZATION_ID: '1001',
      LINKEDIN_TIMEOUT_MS: '2000',
    });
    await bus.connect();
    await bus.subscribe(
      {
        topic: 'linkedin.events',
        subscription: `e2e-linkedin-${run}`,
        types: ['linkedin.post.published', 'linkedin.post.publish.failed', 'linkedin.organization.verified', 'linkedin.organization.verify.failed'],
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
    const code = await worker?.stop();
    await bus.close();
    await sandbox.stop();
    await db?.drop();
    expect(code).toBe(0);
  }, 60_000);

  it('publishes a company update once when the command is delivered twice', async () => {
    const commentary = `Junction e2e ${run}`;
    const publish = createMessage('linkedin.post.publish', { commentary, visibility: 'PUBLIC' }, { tenantId });
    await send(publish, publish);
    await answered(publish.id, 'linkedin.post.published');
    await new Promise((r) => setTimeout(r, 500)); // room for a wrong second answer to arrive
    const posts = sandbox.posts().filter((p) => p.commentary === commentary);
    expect(posts).toHaveLength(1);
    expect(answersTo(publish.id)).toEqual([
      expect.objectContaining({ type: 'linkedin.post.published', payload: expect.objectContaining({ author: 'urn:li:organization:1001', alreadyPublished: false }) }),
    ]);
  }, 60_000);

  it('verifies the organization the member administers', async () => {
    const verify = createMessage('linkedin.organization.verify', { organizationId: 1001 }, { tenantId });
    await send(verify);
    await answered(verify.id, 'linkedin.organization.verified');
    expect(answersTo(verify.id)).toEqual([expect.objectContaining({ type: 'linkedin.organization.verified', payload: expect.objectContaining({ verified: true }) })]);
  }, 60_000);

  it('answers a post LinkedIn forbids (the member only analyses that organization) with .failed AUTH_REJECTED after dead-lettering it', async () => {
    const publish = createMessage('linkedin.post.publish', { organizationId: 1002, commentary: `Not allowed ${run}`, visibility: 'PUBLIC' }, { tenantId });
    await send(publish);
    await answered(publish.id, 'linkedin.post.publish.failed');
    expect(answersTo(publish.id)).toEqual([
      expect.objectContaining({
        type: 'linkedin.post.publish.failed',
        payload: expect.objectContaining({ commandId: publish.id, code: 'AUTH_REJECTED', errorClass: 'forbidden', deadLettered: true }),
      }),
    ]);
    expect(sandbox.posts().filter((p) => p.commentary === `Not allowed ${run}`)).toHaveLength(0);
    expect(await db.prisma.deadLetter.count({ where: { messageId: publish.id, reason: 'PROVIDER_FORBIDDEN' } })).toBe(1);
  }, 60_000);
});
