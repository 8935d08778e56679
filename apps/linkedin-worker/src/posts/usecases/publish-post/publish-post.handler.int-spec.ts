import type { TestingModule } from '@nestjs/testing';
import { createMessage, type AnyMessage, type MessageOf } from '@junction/contracts';
import { LinkedInClient, LinkedInSandbox, msUntilMidnightUtc } from '@junction/connectors/linkedin';
import { CommandStep, MessageDispatcher, settlementForFailure, type DeliveredMessage } from '@junction/messaging';
import { EffectLedgerRepository } from '@junction/persistence';
import { IntegrationError } from '@junction/resilience';
import { createTestDatabase, outboxCausedBy, type TestDatabase } from '@junction/testing';
import { LinkedInCalls } from '../../../linkedin/linkedin-calls';
import { LinkedInConnections } from '../../../linkedin/linkedin-connections';
import { linkedinReplica } from '../../../linkedin/linkedin-test.fixtures';
import { GetAnalyticsHandler } from '../../../analytics/usecases/get-analytics/get-analytics.handler';
import { GetOrganizationProfileHandler } from '../../../organizations/usecases/get-organization-profile/get-organization-profile.handler';
import { VerifyEmployeeHandler } from '../../../organizations/usecases/verify-employee/verify-employee.handler';
import { VerifyOrganizationHandler } from '../../../organizations/usecases/verify-organization/verify-organization.handler';
import { PostPublisher } from '../../post-publisher';
import { ShareArticleHandler } from '../share-article/share-article.handler';
import { PublishPostHandler } from './publish-post.handler';

const QUIET = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** linkedin-worker's use cases on real Postgres and the LinkedIn sandbox (one fixed sandbox token, no connections). */
describe('linkedin-worker use cases (Postgres + LinkedIn sandbox)', () => {
  const sandbox = new LinkedInSandbox();
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let client: LinkedInClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    await sandbox.start();
    const token = sandbox.issueTokens().access_token;
    client = new LinkedInClient({ baseUrl: sandbox.url, version: sandbox.latestVersion, token: () => Promise.resolve(token), timeoutMs: 3_000 });
    moduleRef = await linkedinReplica({
      databaseUrl: db.url,
      client,
      organizationId: 1001,
      overrides: { linkedin: { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } } },
    });
  });
  afterAll(async () => {
    await moduleRef?.close();
    await sandbox.stop();
    await db?.drop();
  });

  const events = async (id: string) => (await outboxCausedBy(db, id)).map((r) => r.body as { type: string; payload: Record<string, unknown> });
  const publish = (commentary: string, over: Partial<MessageOf<'linkedin.post.publish'>['payload']> = {}) =>
    createMessage('linkedin.post.publish', { commentary, visibility: 'PUBLIC', ...over }, { tenantId: 'tenant-a' });

  describe('linkedin.post.publish', () => {
    it('publishes one post as the organization and answers linkedin.post.published with its URN', async () => {
      const c = publish('Hello from Junction');
      await moduleRef.get(PublishPostHandler).execute(c);
      const posts = sandbox.posts().filter((p) => p.commentary === 'Hello from Junction');
      expect(posts).toHaveLength(1);
      expect(posts[0]).toMatchObject({ author: 'urn:li:organization:1001', lifecycleState: 'PUBLISHED', visibility: 'PUBLIC' });
      expect(await events(c.id)).toEqual([
        expect.objectContaining({ type: 'linkedin.post.published', payload: { commandId: c.id, postUrn: posts[0]!.id, author: 'urn:li:organization:1001', alreadyPublished: false } }),
      ]);
      expect(await moduleRef.get(EffectLedgerRepository).find('linkedin-worker', c.id, 'post.publish')).toMatchObject({ outcome: 'created', externalRef: posts[0]!.id, naturalKey: c.id });
    });

    it('a duplicate delivery publishes nothing more and answers nothing more', async () => {
      const c = publish('Said once');
      await moduleRef.get(PublishPostHandler).execute(c);
      const requests = sandbox.requests.length;
      await moduleRef.get(PublishPostHandler).execute(c);
      await Promise.all([moduleRef.get(PublishPostHandler).execute(c), moduleRef.get(PublishPostHandler).execute(c)]);
      expect(sandbox.requests.length).toBe(requests);
      expect(sandbox.posts().filter((p) => p.commentary === 'Said once')).toHaveLength(1);
      expect(await events(c.id)).toHaveLength(1);
    });

    it('LinkedIn posted but the answer was lost: the next attempt finds the post (author finder) instead of posting again', async () => {
      // The first attempt's create reaches LinkedIn, then the connection drops before the 201 is read.
      let lose = true;
      class Lossy extends LinkedInClient {
        override async createPost(...args: Parameters<LinkedInClient['createPost']>) {
          const created = await super.createPost(...args);
          if (lose) {
            lose = false;
            throw new IntegrationError('network', 'LinkedIn createPost failed (network): ECONNRESET', { provider: 'linkedin', operation: 'createPost' });
          }
          return created;
        }
      }
      const token = sandbox.issueTokens().access_token;
      const lossy = new Lossy({ baseUrl: sandbox.url, version: sandbox.latestVersion, token: () => Promise.resolve(token) });
      const connections = new LinkedInConnections({ fallback: { kind: 'sandbox', client: { client: lossy, organizationId: 1001 } }, timeoutMs: 3_000 });
      const handler = new PublishPostHandler(moduleRef.get(CommandStep), new PostPublisher(connections, moduleRef.get(LinkedInCalls)));
      const c = publish('Exactly one, despite the lost answer');

      const first = await handler.execute(c).then(() => undefined, (e: unknown) => e);
      // Not retried inside the call (the create may have taken effect): redelivered by the bus instead.
      expect(first).toMatchObject({ errorClass: 'network', retryable: true });
      expect(sandbox.posts().filter((p) => p.commentary === c.payload.commentary)).toHaveLength(1);
      expect(await events(c.id)).toHaveLength(0);

      await handler.execute(c); // the redelivery: attempt 2
      const posts = sandbox.posts().filter((p) => p.commentary === c.payload.commentary);
      expect(posts).toHaveLength(1);
      expect(await events(c.id)).toEqual([expect.objectContaining({ type: 'linkedin.post.published', payload: expect.objectContaining({ postUrn: posts[0]!.id, alreadyPublished: true }) })]);
      expect(await moduleRef.get(EffectLedgerRepository).find('linkedin-worker', c.id, 'post.publish')).toMatchObject({ outcome: 'existed', externalRef: posts[0]!.id });
    });

    it('data LinkedIn refuses (an organization the member may not post for) is not refused as data: forbidden is dead-lettered', async () => {
      const c = publish('Not my page', { organizationId: 1002 });
      const delivery = deliveryOf(c);
      const settlement = await dispatcher(moduleRef.get(PublishPostHandler), 10).dispatch(delivery);
      expect(settlement).toMatchObject({ action: 'dead-letter', reason: 'PROVIDER_FORBIDDEN' });
      expect(sandbox.posts().filter((p) => p.commentary === 'Not my page')).toHaveLength(0);
    });

    it('5xx storm: retried inside the call for reads, redelivered for the create, then published once', async () => {
      sandbox.faults.set({ failNext: { count: 1, status: 503 }, paths: ['/rest/posts'] });
      const c = publish('After the storm');
      const first = await moduleRef.get(PublishPostHandler).execute(c).then(() => undefined, (e: unknown) => e);
      expect(first).toMatchObject({ errorClass: 'server', retryable: true });
      expect(settlementForFailure(first, 1)).toMatchObject({ action: 'retry' });
      await moduleRef.get(PublishPostHandler).execute(c);
      expect(sandbox.posts().filter((p) => p.commentary === 'After the storm')).toHaveLength(1);
      expect((await events(c.id)).map((e) => e.type)).toEqual(['linkedin.post.published']);
    });
  });

  it('linkedin.article.share: one post with content.article; a 422 is answered linkedin.article.share.failed', async () => {
    const c = createMessage(
      'linkedin.article.share',
      { commentary: 'Read this', visibility: 'PUBLIC', article: { source: 'https://junction.example/blog/launch', title: 'Launch', description: 'What we built' } },
      { tenantId: 'tenant-a' },
    );
    await moduleRef.get(ShareArticleHandler).execute(c);
    const post = sandbox.posts().find((p) => p.commentary === 'Read this');
    expect(post?.content).toEqual({ article: { source: 'https://junction.example/blog/launch', title: 'Launch', description: 'What we built' } });
    expect(await events(c.id)).toEqual([expect.objectContaining({ type: 'linkedin.article.shared', payload: expect.objectContaining({ postUrn: post!.id, source: 'https://junction.example/blog/launch' }) })]);

    // A title over LinkedIn's limit slips past nothing on our side only if the contract allowed it; force one through the client.
    const bad = createMessage('linkedin.article.share', { commentary: 'Bad', visibility: 'PUBLIC', article: { source: 'https://junction.example/x', title: 'x'.repeat(400) } }, { tenantId: 'tenant-a' });
    const tooLong = { ...bad, payload: { ...bad.payload, article: { ...bad.payload.article, title: 'x'.repeat(401) } } };
    await moduleRef.get(ShareArticleHandler).execute(tooLong);
    expect(await events(bad.id)).toEqual([
      expect.objectContaining({ type: 'linkedin.article.share.failed', payload: expect.objectContaining({ code: 'PROVIDER_VALIDATION', errorClass: 'validation', deadLettered: false, message: expect.stringContaining('/content/article/title') }) }),
    ]);
  });

  describe('organizations and analytics', () => {
    it('linkedin.organization.verify: ADMINISTRATOR of 1001 → verified; ANALYST of 1002 → not; REQUESTED on 1003 → not', async () => {
      const run = async (organizationId: number) => {
        const c = createMessage('linkedin.organization.verify', { organizationId }, { tenantId: 'tenant-a' });
        await moduleRef.get(VerifyOrganizationHandler).execute(c);
        return (await events(c.id))[0]!;
      };
      expect(await run(1001)).toMatchObject({ type: 'linkedin.organization.verified', payload: { verified: true, memberUrn: 'urn:li:person:sbxMember1', organizationUrn: 'urn:li:organization:1001', roles: ['ADMINISTRATOR:APPROVED'] } });
      expect((await run(1002)).payload).toMatchObject({ verified: false, roles: ['ANALYST:APPROVED'] });
      expect((await run(1003)).payload).toMatchObject({ verified: false, roles: ['ADMINISTRATOR:REQUESTED'] });
    });

    it('linkedin.employee.verify: an approved role proves it, a requested one does not; another member through the organization’s role list', async () => {
      const run = async (payload: MessageOf<'linkedin.employee.verify'>['payload']) => {
        const c = createMessage('linkedin.employee.verify', payload, { tenantId: 'tenant-a' });
        await moduleRef.get(VerifyEmployeeHandler).execute(c);
        return (await events(c.id))[0]!;
      };
      expect((await run({ organizationId: 1002 })).payload).toMatchObject({ verified: true, evidence: 'organization_role', approvedRoles: ['ANALYST'], memberUrn: 'urn:li:person:sbxMember1' });
      expect((await run({ organizationId: 1002, roles: ['ADMINISTRATOR'] })).payload).toMatchObject({ verified: false, approvedRoles: [] });
      expect((await run({ organizationId: 1003 })).payload).toMatchObject({ verified: false, pendingRoles: ['ADMINISTRATOR:REQUESTED'] });
      expect((await run({ organizationId: 1001, memberUrn: 'urn:li:person:sbxMember1' })).payload).toMatchObject({ verified: true, approvedRoles: ['ADMINISTRATOR'] });
      expect((await run({ organizationId: 1001, memberUrn: 'urn:li:person:stranger' })).payload).toMatchObject({ verified: false, approvedRoles: [] });
    });

    it('linkedin.organization-profile.get: the page; an unknown organization → .failed PROVIDER_NOT_FOUND', async () => {
      const c = createMessage('linkedin.organization-profile.get', {}, { tenantId: 'tenant-a' });
      await moduleRef.get(GetOrganizationProfileHandler).execute(c);
      expect((await events(c.id))[0]).toMatchObject({
        type: 'linkedin.organization-profile.retrieved',
        payload: { organization: { id: 1001, urn: 'urn:li:organization:1001', name: 'Junction Sandbox Co', vanityName: 'junction-sandbox', website: 'https://junction.example' } },
      });
      const missing = createMessage('linkedin.organization-profile.get', { organizationId: 424_242 }, { tenantId: 'tenant-a' });
      await moduleRef.get(GetOrganizationProfileHandler).execute(missing);
      expect((await events(missing.id))[0]).toMatchObject({ type: 'linkedin.organization-profile.get.failed', payload: { code: 'PROVIDER_NOT_FOUND', deadLettered: false } });
    });

    it('linkedin.analytics.get: lifetime totals, and for a timeframe (the sandbox ignores it: timeBound false)', async () => {
      sandbox.setShareStatistics(1001, { impressionCount: 1_000, clickCount: 40, likeCount: 10, engagement: 0.05 });
      const lifetime = createMessage('linkedin.analytics.get', {}, { tenantId: 'tenant-a' });
      await moduleRef.get(GetAnalyticsHandler).execute(lifetime);
      const [answer] = await events(lifetime.id);
      expect(answer).toMatchObject({ type: 'linkedin.analytics.retrieved', payload: { timeframe: null, timeBound: false, intervals: [], intervalsOmitted: 0, totals: { impressionCount: 1_000, clickCount: 40, engagement: 0.05 } } });
      expect((answer!.payload.totals as { shareCount: number }).shareCount).toBe(sandbox.posts().filter((p) => p.author === 'urn:li:organization:1001').length);

      const ranged = createMessage('linkedin.analytics.get', { timeframe: { from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z', granularity: 'DAY' } }, { tenantId: 'tenant-a' });
      await moduleRef.get(GetAnalyticsHandler).execute(ranged);
      expect((await events(ranged.id))[0]).toMatchObject({ payload: { timeframe: { from: '2025-01-01T00:00:00Z', granularity: 'DAY' }, timeBound: false } });
    });
  });

  describe('the 100 calls/day budget', () => {
    let budget: TestingModule;
    beforeAll(async () => {
      // The shared limiter's buckets live in Postgres per provider + connection: start this day's count from zero.
      await db.prisma.rateLimitBucket.deleteMany({ where: { provider: 'linkedin' } });
      // The production rule with a budget of 3 so the test exhausts it quickly.
      budget = await linkedinReplica({ databaseUrl: db.url, client, organizationId: 1001, overrides: { linkedin: { rateLimits: [{ kind: 'quota', name: 'linkedin-daily', limit: 3, window: 'day' }] } } });
    });
    afterAll(() => budget?.close());

    it('exhausted: no call to LinkedIn, no answer, the command is rescheduled (retry, never dead-lettered) for midnight UTC', async () => {
      const handler = budget.get(PublishPostHandler);
      for (let i = 0; i < 3; i++) await handler.execute(publish(`Budget ${i}`));
      const c = publish('Over budget');
      const requests = sandbox.requests.length;
      const error = (await handler.execute(c).then(() => undefined, (e: unknown) => e)) as IntegrationError;
      expect(sandbox.requests.length).toBe(requests);
      expect(error).toMatchObject({ errorClass: 'rate_limit', retryable: true });
      const untilMidnight = msUntilMidnightUtc(new Date());
      // The limiter's window is the database clock's UTC day: the wait ends at midnight UTC (within clock skew).
      expect(Math.abs(error.retryAfterMs! - untilMidnight)).toBeLessThan(60_000);
      expect(await events(c.id)).toHaveLength(0);
      expect(await budget.get(EffectLedgerRepository).find('linkedin-worker', c.id, 'post.publish')).toBeNull();

      // Through the consumer's dispatcher: a retry, not a failure and not a dead letter.
      const settlement = await dispatcher(handler, 10).dispatch(deliveryOf(c));
      expect(settlement).toMatchObject({ action: 'retry', reason: 'PROVIDER_RATE_LIMITED' });
      // One redelivery at the reset (the policy honours a wait of up to 25 h), not hourly redeliveries that would spend
      // MAX_DELIVERY_COUNT before midnight.
      expect(Math.abs((settlement as { delayMs: number }).delayMs - untilMidnight)).toBeLessThan(60_000);
      // Still over the budget on the next delivery (e.g. a backlog at the reset): rescheduled again, not failed.
      expect(await dispatcher(handler, 10).dispatch(deliveryOf(c, 2))).toMatchObject({ action: 'retry', reason: 'PROVIDER_RATE_LIMITED' });
      expect(await events(c.id)).toHaveLength(0);
    });

    it('LinkedIn’s own 429 (no Retry-After) also reschedules for midnight UTC and tells the shared limiter', async () => {
      const small = new LinkedInSandbox({ dailyLimits: { memberPerDay: 1 } });
      await small.start();
      try {
        const token = small.issueTokens().access_token;
        const limited = new LinkedInClient({ baseUrl: small.url, version: small.latestVersion, token: () => Promise.resolve(token) });
        const replica = await linkedinReplica({ databaseUrl: db.url, client: limited, organizationId: 1001 });
        try {
          const handler = replica.get(PublishPostHandler);
          await handler.execute(publish('The one call of the day'));
          const c = publish('One too many');
          const error = (await handler.execute(c).then(() => undefined, (e: unknown) => e)) as IntegrationError;
          expect(error).toMatchObject({ errorClass: 'rate_limit', status: 429 });
          expect(Math.abs(error.retryAfterMs! - msUntilMidnightUtc(new Date()))).toBeLessThan(60_000);
          expect(small.posts()).toHaveLength(1);
          expect(await events(c.id)).toHaveLength(0);
        } finally {
          await replica.close();
        }
      } finally {
        await small.stop();
      }
    });
  });
});

type Handler = { execute(command: never): Promise<void> };

function dispatcher(handler: Handler, maxDeliveryCount: number): MessageDispatcher {
  return new MessageDispatcher(() => (message: AnyMessage) => handler.execute(message as never), { maxDeliveryCount, logger: QUIET });
}

function deliveryOf(message: AnyMessage, deliveryCount = 1): DeliveredMessage {
  const rawBody = JSON.stringify(message);
  return { messageId: message.id, type: message.type, topic: 'linkedin.commands', subscription: 'linkedin-worker', body: JSON.parse(rawBody) as unknown, rawBody, deliveryCount, headers: {}, enqueuedAt: new Date() };
}

