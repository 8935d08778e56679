import { randomBytes } from 'node:crypto';
import type { TestingModule } from '@nestjs/testing';
import { createMessage, type AnyMessage } from '@junction/contracts';
import { LinkedInSandbox } from '@junction/connectors/linkedin';
import { MessageDispatcher, type DeliveredMessage } from '@junction/messaging';
import { formatKeyEntry } from '@junction/security';
import { createTestDatabase, outboxCausedBy, type TestDatabase } from '@junction/testing';
import { PublishPostHandler } from '../posts/usecases/publish-post/publish-post.handler';
import { authorizedConnection, linkedinReplica } from './linkedin-test.fixtures';

const QUIET = { log: () => undefined, warn: () => undefined, error: () => undefined };
const DAY = 86_400_000;

/**
 * OAuth on the worker: three replicas (three Nest modules, own pools, own lease owners) on one database, a LinkedIn
 * oauth2 connection authorized through the real flow, the sandbox with single-use (rotating) refresh tokens, so a
 * second refresh with the same token would be refused and visible.
 */
describe('linkedin-worker OAuth (3 replicas, Postgres, sandbox with rotating refresh tokens)', () => {
  let clock = Date.now();
  const sandbox = new LinkedInSandbox({ rotateRefreshTokens: true, now: () => new Date(clock) });
  const kek = formatKeyEntry('test', randomBytes(32));
  let db: TestDatabase;
  let replicas: TestingModule[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    await sandbox.start();
    replicas = await Promise.all([0, 1, 2].map(() => linkedinReplica({ databaseUrl: db.url, kek })));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await sandbox.stop();
    await db?.drop();
  });
  beforeEach(() => {
    clock = Date.now();
  });

  const publish = (tenantId: string, commentary: string) => createMessage('linkedin.post.publish', { commentary, visibility: 'PUBLIC' }, { tenantId });
  const events = async (id: string) => (await outboxCausedBy(db, id)).map((r) => r.body as { type: string; payload: Record<string, unknown> });

  it('token expires mid-run: three replicas get 401 at once, ONE refresh at LinkedIn, every command succeeds', async () => {
    await authorizedConnection(replicas[0]!, sandbox, { tenantId: 'tenant-race' });
    const served = sandbox.refreshGrants.served;
    // Runs on the authorized token.
    const warm = publish('tenant-race', 'Before expiry');
    await replicas[0]!.get(PublishPostHandler).execute(warm);
    expect((await events(warm.id)).map((e) => e.type)).toEqual(['linkedin.post.published']);

    // 61 days later at LinkedIn: the access token has expired there, while our row still believes it valid (the
    // worker learns it from the 401). A slow token endpoint makes the three refresh attempts overlap.
    clock += 61 * DAY;
    sandbox.faults.set({ latencyMs: 300, paths: ['/oauth/v2/accessToken'] });
    const commands = [0, 1, 2].map((i) => publish('tenant-race', `After expiry ${i}`));
    try {
      await Promise.all(commands.map((c, i) => replicas[i]!.get(PublishPostHandler).execute(c)));
    } finally {
      sandbox.faults.clear();
    }

    expect(sandbox.refreshGrants).toEqual({ served: served + 1, rejected: 0 });
    for (const c of commands) expect((await events(c.id)).map((e) => e.type)).toEqual(['linkedin.post.published']);
    expect(sandbox.posts().filter((p) => p.commentary.startsWith('After expiry'))).toHaveLength(3);
    expect(sandbox.requests.filter((r) => r.path === '/rest/posts' && r.status === 401).length).toBeGreaterThanOrEqual(3);
  });

  it('refresh rejected (revoked refresh token): connection reauth_required, alert event, command dead-lettered REAUTH_REQUIRED', async () => {
    const id = await authorizedConnection(replicas[0]!, sandbox, { tenantId: 'tenant-revoked' });
    // The member revoked the app: every token of the grant is dead at LinkedIn.
    const sealed = await db.prisma.oAuthToken.findUniqueOrThrow({ where: { connectionId: id } });
    expect(sealed.version).toBeGreaterThanOrEqual(1);
    sandbox.reset(); // forgets every token: the stored access token answers 401, the refresh token invalid_grant
    const c = publish('tenant-revoked', 'Never published');
    const delivery = deliveryOf(c);
    const handler = replicas[1]!.get(PublishPostHandler);
    const dispatcher = new MessageDispatcher(() => (m: AnyMessage) => handler.execute(m as never), { maxDeliveryCount: 10, logger: QUIET });
    const settlement = await dispatcher.dispatch(delivery);

    expect(settlement).toMatchObject({ action: 'dead-letter', reason: 'REAUTH_REQUIRED' });
    expect(sandbox.refreshGrants).toEqual({ served: 0, rejected: 1 });
    expect(sandbox.posts()).toHaveLength(0);
    expect(await db.prisma.connection.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'reauth_required' });
    const alerts = await db.prisma.outboxMessage.findMany({ where: { type: 'integration.connection.reauth-required', body: { contains: id } } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.topic).toBe('ops.alerts');
    expect(await events(c.id)).toHaveLength(0);

    // The next command does not reach LinkedIn at all: the connection is unusable until re-authorized.
    const requests = sandbox.requests.length;
    const next = await dispatcher.dispatch(deliveryOf(publish('tenant-revoked', 'Also not')));
    expect(next).toMatchObject({ action: 'dead-letter', reason: 'REAUTH_REQUIRED' });
    expect(sandbox.requests.length).toBe(requests);
  });
});

function deliveryOf(message: AnyMessage): DeliveredMessage {
  const rawBody = JSON.stringify(message);
  return { messageId: message.id, type: message.type, topic: 'linkedin.commands', subscription: 'linkedin-worker', body: JSON.parse(rawBody) as unknown, rawBody, deliveryCount: 1, headers: {}, enqueuedAt: new Date() };
}
