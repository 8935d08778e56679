import { randomBytes } from 'node:crypto';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { LINKEDIN_SANDBOX_CLIENT, LinkedInSandbox } from '@junction/connectors/linkedin';
import { ConnectionSecretStore, IntegrationsModule, OAuthTokenManager } from '@junction/integrations';
import { MemoryTransport, MessagingModule } from '@junction/messaging';
import { PersistenceModule } from '@junction/persistence';
import { HttpErrorFilter } from '@junction/platform';
import { formatKeyEntry, SecurityModule } from '@junction/security';
import { createTestDatabase, freePort, type TestDatabase, withPgClient } from '@junction/testing';
import { ApiKeyService } from '@junction/webhooks';
import { OAuthModule } from './oauth.module';

function isSerializedBuffer(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data);
}

/**
 * The authorization-code flow over real HTTP: Fastify app (webhook-ingress's OAuth routes) → the LinkedIn sandbox's
 * consent endpoint (PKCE enforced) → back to /oauth/callback, on real Postgres.
 */
describe('OAuth routes /oauth/:connectionId/authorize and /oauth/callback (Fastify, real Postgres, LinkedIn sandbox)', () => {
  const sandbox = new LinkedInSandbox({ rotateRefreshTokens: true });
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let baseUrl: string;
  let keyA: string;
  let keyB: string;

  beforeAll(async () => {
    await sandbox.start();
    db = await createTestDatabase();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRoot({ databaseUrl: db.url, poolMax: 5 }),
        SecurityModule.forRoot({ kek: formatKeyEntry('test', randomBytes(32)) }),
        MessagingModule.forRoot({ bus: new MemoryTransport(), consumer: 'webhook-ingress', relay: false }),
        IntegrationsModule.forRoot({ oauth: { publicBaseUrl: `${baseUrl}/` } }),
        OAuthModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new HttpErrorFilter());
    await app.listen({ port, host: '127.0.0.1' });
    const apiKeys = app.get(ApiKeyService);
    keyA = (await apiKeys.create({ tenantId: 'tenant-a', actor: 'cli' }, { name: 'a', scopes: ['admin'] })).key;
    keyB = (await apiKeys.create({ tenantId: 'tenant-b', actor: 'cli' }, { name: 'b', scopes: ['admin'] })).key;
    // The catalog (integration_type rows, LinkedIn among them) was synced when the app started.
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await sandbox.stop();
  });
  beforeEach(() => sandbox.reset());

  async function connection(authMethod: 'oauth2' | 'bearer' = 'oauth2'): Promise<string> {
    const secrets = app.get(ConnectionSecretStore);
    return db.prisma.transaction(async (tx) => {
      const secret = authMethod === 'oauth2' ? ({ authMethod, clientId: LINKEDIN_SANDBOX_CLIENT.id, clientSecret: LINKEDIN_SANDBOX_CLIENT.secret } as const) : ({ authMethod, token: 'a-static-token' } as const);
      const credentialId = await secrets.seal(tx, 'tenant-a', secret);
      const config = { oauth: { authorizationEndpoint: `${sandbox.url}/oauth/v2/authorization`, tokenEndpoint: `${sandbox.url}/oauth/v2/accessToken`, revocationEndpoint: `${sandbox.url}/oauth/v2/revoke` } };
      return (await tx.connection.create({ data: { tenantId: 'tenant-a', typeSlug: 'linkedin', name: `li-${randomBytes(4).toString('hex')}`, authMethod, config, credentialId } })).id;
    });
  }
  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { redirect: 'manual', headers });
  const json = async (response: Response) => (await response.json()) as Record<string, any>;
  const authorize = (id: string, key = keyA, query = '') => get(`${baseUrl}/oauth/${id}/authorize${query}`, { authorization: `Bearer ${key}` });
  /** Follows the authorize redirect to the sandbox's consent endpoint; returns the sandbox's redirect back to us. */
  async function consent(id: string, query = ''): Promise<URL> {
    const started = await authorize(id, keyA, query);
    expect(started.status).toBe(302);
    const atProvider = await get(started.headers.get('location')!);
    expect(atProvider.status).toBe(302);
    return new URL(atProvider.headers.get('location')!);
  }
  const tokenExchanges = () => sandbox.requests.filter((r) => r.path === '/oauth/v2/accessToken').length;
  async function nothingStored(id: string) {
    expect(await db.prisma.oAuthToken.count({ where: { connectionId: id } })).toBe(0);
    expect(await db.prisma.connection.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'configuring', connectedAt: null });
    expect(await db.prisma.connectionEvent.count({ where: { connectionId: id, type: 'connected' } })).toBe(0);
  }

  it('authorize (302 with state and S256 challenge) → sandbox consent → callback: tokens stored sealed, connection connected', async () => {
    const id = await connection();
    const started = await authorize(id);
    expect(started.status).toBe(302);
    const location = new URL(started.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${sandbox.url}/oauth/v2/authorization`);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      response_type: 'code',
      client_id: LINKEDIN_SANDBOX_CLIENT.id,
      redirect_uri: `${baseUrl}/oauth/callback`,
      scope: 'r_organization_admin w_organization_social rw_organization_admin',
      state: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge_method: 'S256',
    });
    // The verifier is sealed, never stored as the challenge's preimage in clear.
    const state = await db.prisma.oAuthState.findUniqueOrThrow({ where: { state: location.searchParams.get('state')! }, include: { credential: true } });
    expect(state).toMatchObject({ connectionId: id, tenantId: 'tenant-a', credential: { purpose: 'oauth-pkce' } });
    expect(state.expiresAt.getTime() - Date.now()).toBeGreaterThan(9 * 60_000);

    const back = new URL((await get(location.toString())).headers.get('location')!);
    expect(back.origin + back.pathname).toBe(`${baseUrl}/oauth/callback`);
    const done = await get(back.toString(), { accept: 'application/json' });
    expect(done.status).toBe(200);
    expect(await json(done)).toEqual({ connectionId: id, status: 'connected' });

    const row = await db.prisma.connection.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: 'connected', lastError: null });
    expect(row.connectedAt).toBeInstanceOf(Date);
    const token = await db.prisma.oAuthToken.findUniqueOrThrow({ where: { connectionId: id }, include: { credential: true } });
    expect(token).toMatchObject({ version: 1, scope: expect.stringContaining('w_organization_social'), credential: { purpose: 'oauth-token', tenantId: 'tenant-a' } });
    expect(token.accessExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 59 * 86_400_000);
    expect(token.refreshExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 364 * 86_400_000);
    expect(await db.prisma.connectionEvent.findMany({ where: { connectionId: id } })).toEqual([expect.objectContaining({ type: 'connected', actor: 'oauth', tenantId: 'tenant-a' })]);
    // The PKCE verifier's credential (and its state) are gone: the state cannot be replayed.
    expect(await db.prisma.credential.count({ where: { purpose: 'oauth-pkce' } })).toBe(0);

    // The stored token is a live token at the provider, and appears nowhere in the database in clear.
    const accessToken = await app.get(OAuthTokenManager).accessToken(id);
    const api = await fetch(`${sandbox.url}/rest/organizations/1001`, { headers: { authorization: `Bearer ${accessToken}`, 'linkedin-version': sandbox.latestVersion, 'x-restli-protocol-version': '2.0.0' } });
    expect(api.status).toBe(200);
    const dump = await withPgClient(db.url, async (client) => {
      const tables = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
      const parts: string[] = [];
      // bytea columns (credential.ciphertext …) as text, so a plaintext sealed nowhere would show up too.
      const asText = (_key: string, value: unknown) => (isSerializedBuffer(value) ? Buffer.from(value.data).toString('latin1') : value);
      for (const { table_name } of tables.rows) parts.push(JSON.stringify((await client.query(`SELECT * FROM ${client.escapeIdentifier(table_name)}`)).rows, asText));
      return parts.join('\n');
    });
    expect(dump).toContain(id);
    expect(dump).not.toContain(accessToken);
    expect(dump).not.toContain(LINKEDIN_SANDBOX_CLIENT.secret);
  });

  it('answers Accept: application/json with {authorizationUrl}, and redirects the callback to returnTo', async () => {
    const id = await connection();
    const started = await get(`${baseUrl}/oauth/${id}/authorize?returnTo=${encodeURIComponent('/settings/connections')}`, { authorization: `Bearer ${keyA}`, accept: 'application/json' });
    expect(started.status).toBe(200);
    const { authorizationUrl } = await json(started);
    const back = (await get(authorizationUrl)).headers.get('location')!;
    const done = await get(back);
    expect([done.status, done.headers.get('location')]).toEqual([302, '/settings/connections']);
    expect((await db.prisma.connection.findUniqueOrThrow({ where: { id } })).status).toBe('connected');
  });

  it('authorize needs an admin key of the connection’s tenant: 401 without, 404 for another tenant, 400 for a non-oauth2 connection or a bad returnTo', async () => {
    const id = await connection();
    expect(await json(await get(`${baseUrl}/oauth/${id}/authorize`))).toMatchObject({ code: 'UNAUTHORIZED' });
    const other = await authorize(id, keyB);
    expect([other.status, (await json(other)).code]).toEqual([404, 'CONNECTION_NOT_FOUND']);
    const bearer = await authorize(await connection('bearer'));
    expect([bearer.status, (await json(bearer)).code]).toEqual([400, 'OAUTH_NOT_SUPPORTED']);
    const evil = await authorize(id, keyA, `?returnTo=${encodeURIComponent('//evil.example/x')}`);
    expect([evil.status, (await json(evil)).code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await db.prisma.oAuthState.count({ where: { connectionId: id } })).toBe(0);
  });

  it('a bad, reused or expired state is 400 OAUTH_STATE_INVALID and stores nothing', async () => {
    const id = await connection();
    const back = await consent(id);
    const forged = new URL(back);
    forged.searchParams.set('state', randomBytes(32).toString('base64url'));
    for (const url of [forged.toString(), `${baseUrl}/oauth/callback?code=x`, `${baseUrl}/oauth/callback?code=x&state=short`]) {
      const res = await get(url);
      expect([res.status, (await json(res)).code]).toEqual([400, 'OAUTH_STATE_INVALID']);
    }
    await nothingStored(id);
    expect(tokenExchanges()).toBe(0);

    const expiring = await consent(id);
    await db.prisma.oAuthState.update({ where: { state: expiring.searchParams.get('state')! }, data: { expiresAt: new Date(Date.now() - 1) } });
    const expired = await get(expiring.toString());
    expect([expired.status, (await json(expired)).code]).toEqual([400, 'OAUTH_STATE_INVALID']);
    await nothingStored(id);

    expect((await get(back.toString())).status).toBe(200);
    const exchanges = tokenExchanges();
    const replay = await get(back.toString());
    expect([replay.status, (await json(replay)).code]).toEqual([400, 'OAUTH_STATE_INVALID']);
    expect(tokenExchanges()).toBe(exchanges);
    expect(await db.prisma.oAuthToken.findUniqueOrThrow({ where: { connectionId: id } })).toMatchObject({ version: 1 });
  });

  it('error=access_denied from the provider is 400 OAUTH_AUTHORIZATION_FAILED; a refused code is 502 OAUTH_EXCHANGE_FAILED with the provider code, never the secret', async () => {
    const id = await connection();
    const state = (await consent(id)).searchParams.get('state')!;
    const denied = await get(`${baseUrl}/oauth/callback?error=access_denied&error_description=${encodeURIComponent('The user cancelled')}&state=${state}`);
    const deniedBody = await json(denied);
    expect([denied.status, deniedBody.code]).toEqual([400, 'OAUTH_AUTHORIZATION_FAILED']);
    expect(deniedBody.message).toContain('access_denied');
    await nothingStored(id);

    const state2 = (await consent(id)).searchParams.get('state')!;
    const refused = await get(`${baseUrl}/oauth/callback?code=AQforged&state=${state2}`);
    const body = await json(refused);
    expect([refused.status, body.code]).toEqual([502, 'OAUTH_EXCHANGE_FAILED']);
    expect(body.message).toContain('invalid_grant');
    expect(JSON.stringify(body)).not.toContain(LINKEDIN_SANDBOX_CLIENT.secret);
    await nothingStored(id);
    expect(await db.prisma.connectionEvent.findMany({ where: { connectionId: id, type: 'error' }, orderBy: { occurredAt: 'asc' } })).toEqual([
      expect.objectContaining({ actor: 'oauth', detail: { stage: 'authorization', code: 'access_denied', status: null } }),
      expect.objectContaining({ actor: 'oauth', detail: { stage: 'token_exchange', code: 'invalid_grant', status: 400 } }),
    ]);
  });
});
