import { randomBytes } from 'node:crypto';
import type { TestingModule } from '@nestjs/testing';
import { LinkedInSandbox } from '@junction/connectors/linkedin';
import { IntegrationError } from '@junction/resilience';
import { OAuthTokenRepository, PrismaService } from '@junction/persistence';
import { CredentialService, formatKeyEntry } from '@junction/security';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { ConnectionSecretStore } from '../connections/connection-secret.store';
import { ConnectionError } from '../connections/connection.types';
import { OAuthTokenManager } from './oauth-token.manager';
import { createLinkedInConnection, oauthReplica, seedLinkedInType } from './oauth-test.fixtures';
import { sealTokens } from './oauth-tokens';

const MINUTE = 60_000;

/**
 * Race-safe refresh on real Postgres against the LinkedIn sandbox over HTTP, with single-use (rotating) refresh
 * tokens: a second refresh with the same token would answer invalid_grant, so "exactly one refresh" is visible both
 * in the sandbox's counter and in the absence of reauth_required.
 */
describe('OAuthTokenManager (real Postgres, LinkedIn sandbox with rotating refresh tokens)', () => {
  const kek = formatKeyEntry('test', randomBytes(32));
  const sandbox = new LinkedInSandbox({ rotateRefreshTokens: true });
  let db: TestDatabase;
  let replicaA: TestingModule;
  let replicaB: TestingModule;
  let a: OAuthTokenManager;
  let b: OAuthTokenManager;

  beforeAll(async () => {
    await sandbox.start();
    db = await createTestDatabase();
    const options = { refreshWaitMs: 5_000, refreshPollMs: 20, refreshLeaseMs: 2_000, providerTimeoutMs: 2_000 };
    // Two replicas: separate Nest modules, separate PrismaService instances (separate pg pools), separate lease owners.
    replicaA = await oauthReplica(db.url, kek, options);
    replicaB = await oauthReplica(db.url, kek, options);
    a = replicaA.get(OAuthTokenManager);
    b = replicaB.get(OAuthTokenManager);
    await seedLinkedInType(db.prisma);
  });
  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
    await db?.drop();
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.reset();
    sandbox.faults.clear();
  });

  /** A connected LinkedIn connection whose stored access token expires at `accessExpiresAt`. */
  async function connected(accessExpiresAt: Date) {
    const id = await createLinkedInConnection(db.prisma, replicaA.get(ConnectionSecretStore), sandbox);
    const issued = sandbox.issueTokens();
    const credentials = replicaA.get(CredentialService);
    const tokens = replicaA.get(OAuthTokenRepository);
    await replicaA.get(PrismaService).transaction(async (tx) => {
      const credentialId = await sealTokens(credentials, tx, 'tenant-a', { accessToken: issued.access_token, refreshToken: issued.refresh_token, tokenType: 'bearer' }, undefined, new Date());
      await tokens.upsert(tx, id, { credentialId, tokenType: 'bearer', scope: issued.scope, accessExpiresAt, refreshExpiresAt: new Date(Date.now() + 365 * 86_400_000) });
      await tx.connection.update({ where: { id }, data: { status: 'connected', connectedAt: new Date() } });
    });
    return { id, issued };
  }
  const tokenRow = (id: string) => db.prisma.oAuthToken.findUniqueOrThrow({ where: { connectionId: id } });
  const tokenRequests = () => sandbox.requests.filter((r) => r.path === '/oauth/v2/accessToken').length;
  /** The sandbox accepts the token for a REST call (it is a live access token of the member). */
  const works = async (token: string) =>
    (await fetch(`${sandbox.url}/rest/organizations/1001`, { headers: { authorization: `Bearer ${token}`, 'linkedin-version': sandbox.latestVersion, 'x-restli-protocol-version': '2.0.0' } })).status;

  it('8 concurrent callers on two replicas with an expired token: ONE refresh at the provider, all get the same new token, no invalid_grant', async () => {
    const { id, issued } = await connected(new Date(Date.now() - MINUTE));
    // A slow token endpoint widens the window in which the callers overlap.
    sandbox.faults.set({ latencyMs: 300, paths: ['/oauth/v2/accessToken'] });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? a : b).accessToken(id)));

    expect(new Set(results).size).toBe(1);
    expect(results[0]).not.toBe(issued.access_token);
    expect(sandbox.refreshGrants).toEqual({ served: 1, rejected: 0 });
    expect(tokenRequests()).toBe(1);
    expect(await works(results[0]!)).toBe(200);
    expect(await tokenRow(id)).toMatchObject({ version: 2, refreshLeaseOwner: null, refreshLeaseUntil: null });
    expect((await db.prisma.connection.findUniqueOrThrow({ where: { id } })).status).toBe('connected');
    // The rotated refresh token was stored: the next refresh uses it and succeeds (the old one is dead at the provider).
    expect(await a.accessToken(id, { rejected: results[0] })).not.toBe(results[0]);
    expect(sandbox.refreshGrants).toEqual({ served: 2, rejected: 0 });
    expect(await db.prisma.connectionEvent.count({ where: { connectionId: id, type: 'token_refreshed' } })).toBe(2);
    // One sealed token row per connection: replaced credentials are deleted with the refresh.
    expect(await db.prisma.credential.count({ where: { purpose: 'oauth-token', oauthTokens: { some: { connectionId: id } } } })).toBe(1);
  });

  it('refreshes on a 401 (rejected = current token) once; a stale 401 with the old token reuses the new one', async () => {
    const { id, issued } = await connected(new Date(Date.now() + 60 * MINUTE));
    expect(await a.accessToken(id)).toBe(issued.access_token);
    expect(tokenRequests()).toBe(0);

    const fresh = await a.accessToken(id, { rejected: issued.access_token });
    expect(fresh).not.toBe(issued.access_token);
    expect(await b.accessToken(id, { rejected: issued.access_token })).toBe(fresh);
    expect(sandbox.refreshGrants).toEqual({ served: 1, rejected: 0 });
  });

  it('refreshes proactively when the token expires within the skew (5 min), not before', async () => {
    const later = await connected(new Date(Date.now() + 6 * MINUTE));
    expect(await a.accessToken(later.id)).toBe(later.issued.access_token);
    expect(tokenRequests()).toBe(0);

    const soon = await connected(new Date(Date.now() + 2 * MINUTE));
    const token = await a.accessToken(soon.id);
    expect(token).not.toBe(soon.issued.access_token);
    expect(sandbox.refreshGrants.served).toBe(1);
    expect((await tokenRow(soon.id)).accessExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 59 * 86_400_000);
  });

  it('a revoked refresh token: reauth_required, event, ops.alerts outbox row, REAUTH_REQUIRED; the next call does not reach the provider', async () => {
    const { id, issued } = await connected(new Date(Date.now() - MINUTE));
    sandbox.revokeToken(issued.refresh_token);
    const failure = await a.accessToken(id).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect(failure).toMatchObject({ code: 'REAUTH_REQUIRED', status: 409 });
    expect(String((failure as Error).message)).not.toContain(issued.refresh_token);

    const connection = await db.prisma.connection.findUniqueOrThrow({ where: { id } });
    expect(connection).toMatchObject({ status: 'reauth_required', lastError: { code: 'REAUTH_REQUIRED', message: expect.stringContaining('invalid_grant') } });
    expect(await db.prisma.connectionEvent.findMany({ where: { connectionId: id, type: 'reauth_required' } })).toEqual([expect.objectContaining({ actor: 'oauth', detail: { reason: 'invalid_grant' } })]);
    const alerts = await db.prisma.outboxMessage.findMany({ where: { type: 'integration.connection.reauth-required', body: { contains: id } } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.topic).toBe('ops.alerts');
    expect(JSON.parse(alerts[0]!.body)).toMatchObject({ tenantId: 'tenant-a', payload: { connectionId: id, typeSlug: 'linkedin', reason: 'invalid_grant' } });
    expect(alerts[0]!.body).not.toContain(issued.refresh_token);

    const requests = tokenRequests();
    await expect(b.accessToken(id)).rejects.toMatchObject({ code: 'REAUTH_REQUIRED' });
    await expect(a.accessToken(id, { rejected: issued.access_token })).rejects.toMatchObject({ code: 'REAUTH_REQUIRED' });
    expect(tokenRequests()).toBe(requests);
    expect(sandbox.refreshGrants).toEqual({ served: 0, rejected: 1 });
  });

  it('a token endpoint that is down is a retryable IntegrationError, not reauth; the lease is released for the next try', async () => {
    const { id } = await connected(new Date(Date.now() - MINUTE));
    sandbox.faults.set({ failNext: { count: 1, status: 503 }, paths: ['/oauth/v2/accessToken'] });
    const failure = await a.accessToken(id).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(IntegrationError);
    expect(failure).toMatchObject({ retryable: true, errorClass: 'server', status: 503 });
    expect(await tokenRow(id)).toMatchObject({ version: 1, refreshLeaseOwner: null });
    expect((await db.prisma.connection.findUniqueOrThrow({ where: { id } })).status).toBe('connected');

    // A proactive refresh that fails keeps serving the still-valid token.
    const soon = await connected(new Date(Date.now() + 2 * MINUTE));
    sandbox.faults.set({ failNext: { count: 1, status: 503 }, paths: ['/oauth/v2/accessToken'] });
    expect(await a.accessToken(soon.id)).toBe(soon.issued.access_token);

    expect(await b.accessToken(id)).toEqual(expect.any(String));
    expect(await tokenRow(id)).toMatchObject({ version: 2 });
  });

  it('takes over the lease of a crashed refresher once it lapses, and refreshes once', async () => {
    const { id, issued } = await connected(new Date(Date.now() - MINUTE));
    // Another replica took the lease and died before committing.
    await db.prisma.$executeRaw`UPDATE oauth_token SET "refreshLeaseOwner" = 'crashed-host:1:dead', "refreshLeaseUntil" = now() + interval '700 milliseconds' WHERE "connectionId" = ${id}::uuid`;
    const started = Date.now();
    const [x, y] = await Promise.all([a.accessToken(id), b.accessToken(id)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(x).toBe(y);
    expect(x).not.toBe(issued.access_token);
    expect(sandbox.refreshGrants).toEqual({ served: 1, rejected: 0 });
    expect(await tokenRow(id)).toMatchObject({ version: 2, refreshLeaseOwner: null });
  });

  it('a live lease held past the wait: a retryable timeout, no refresh', async () => {
    const { id } = await connected(new Date(Date.now() - MINUTE));
    await db.prisma.$executeRaw`UPDATE oauth_token SET "refreshLeaseOwner" = 'slow-host:1:busy', "refreshLeaseUntil" = now() + interval '1 minute' WHERE "connectionId" = ${id}::uuid`;
    const quick = await oauthReplica(db.url, kek, { refreshWaitMs: 300, refreshPollMs: 20 });
    try {
      await expect(quick.get(OAuthTokenManager).accessToken(id)).rejects.toMatchObject({ name: 'IntegrationError', errorClass: 'timeout', retryable: true });
    } finally {
      await quick.close();
    }
    expect(tokenRequests()).toBe(0);
  });

  it('revoke: posts to the revocation endpoint, deletes the tokens and their credential, records token_revoked', async () => {
    const { id, issued } = await connected(new Date(Date.now() + 60 * MINUTE));
    const credentialId = (await tokenRow(id)).credentialId;
    await a.revoke(id, 'admin:key-1');
    expect(sandbox.requests.filter((r) => r.path === '/oauth/v2/revoke' && r.status === 200)).toHaveLength(2);
    expect(await works(issued.access_token)).toBe(401);
    expect(await db.prisma.oAuthToken.count({ where: { connectionId: id } })).toBe(0);
    expect(await db.prisma.credential.count({ where: { id: credentialId } })).toBe(0);
    expect(await db.prisma.connectionEvent.findMany({ where: { connectionId: id, type: 'token_revoked' } })).toEqual([expect.objectContaining({ actor: 'admin:key-1', detail: { revokedAtProvider: true } })]);
    await expect(a.accessToken(id)).rejects.toMatchObject({ code: 'OAUTH_AUTHORIZATION_REQUIRED' });
    await a.revoke(id, 'admin:key-1'); // nothing left: a no-op
  });

  it('revoke with the provider down still deletes the tokens (best effort), and logs no token', async () => {
    const { id } = await connected(new Date(Date.now() + 60 * MINUTE));
    sandbox.faults.set({ errorRatio: 1, paths: ['/oauth/v2/revoke'] });
    await a.revoke(id, 'cli');
    expect(await db.prisma.oAuthToken.count({ where: { connectionId: id } })).toBe(0);
    expect(await db.prisma.connectionEvent.findFirst({ where: { connectionId: id, type: 'token_revoked' } })).toMatchObject({ detail: { revokedAtProvider: false } });
  });
});
