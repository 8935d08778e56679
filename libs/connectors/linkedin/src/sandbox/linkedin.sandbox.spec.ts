import { createHash } from 'node:crypto';
import { request } from 'undici';
import { LINKEDIN_SANDBOX_CLIENT, LinkedInSandbox } from './linkedin.sandbox';

const DAY = 86_400_000;
const START = Date.parse('2025-06-15T12:00:00.000Z');

describe('LinkedInSandbox (Marketing API over HTTP)', () => {
  let now = START;
  const sandbox = new LinkedInSandbox({ activeVersions: ['202504', '202505', '202506'], dailyLimits: { memberPerDay: 20 }, now: () => new Date(now) });
  let token: string;

  beforeAll(() => sandbox.start());
  afterAll(() => sandbox.stop());
  beforeEach(() => {
    sandbox.reset();
    now = START;
    token = sandbox.issueTokens().access_token;
  });

  async function rest(method: 'GET' | 'POST', path: string, opts: { body?: unknown; headers?: Record<string, string | undefined>; token?: string } = {}) {
    const headers: Record<string, string> = {};
    const merged = { 'linkedin-version': '202506', 'x-restli-protocol-version': '2.0.0', authorization: `Bearer ${opts.token ?? token}`, 'content-type': 'application/json', ...opts.headers };
    for (const [k, v] of Object.entries(merged)) if (v !== undefined) headers[k] = v;
    const res = await request(new URL(path, sandbox.url), { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, json: (text ? JSON.parse(text) : undefined) as Record<string, any> };
  }
  async function tokenEndpoint(form: Record<string, string>) {
    const res = await request(new URL('/oauth/v2/accessToken', sandbox.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: LINKEDIN_SANDBOX_CLIENT.id, client_secret: LINKEDIN_SANDBOX_CLIENT.secret, ...form }).toString(),
    });
    return { status: res.statusCode, json: (await res.body.json()) as Record<string, any> };
  }
  const post = (body: Record<string, unknown>, opts: { token?: string } = {}) => rest('POST', '/rest/posts', { body, ...opts });
  const validPost = (author = 'urn:li:organization:1001') => ({
    author,
    commentary: 'Hello from the sandbox',
    visibility: 'PUBLIC',
    distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
    lifecycleState: 'PUBLISHED',
  });

  describe('version and protocol headers', () => {
    it('answers a missing LinkedIn-Version with 400 VERSION_MISSING, before auth', async () => {
      const res = await rest('GET', '/rest/organizations/1001', { headers: { 'linkedin-version': undefined }, token: 'nope' });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ status: 400, code: 'VERSION_MISSING', message: expect.stringContaining('LinkedIn-Version header') });
    });

    it('answers a sunset or unknown version with 426 NONEXISTENT_VERSION and accepts patch releases of active ones', async () => {
      const sunset = await rest('GET', '/rest/organizations/1001', { headers: { 'linkedin-version': '202401' } });
      expect(sunset.status).toBe(426);
      expect(sunset.json).toEqual({ status: 426, code: 'NONEXISTENT_VERSION', message: 'Requested version 202401 is not active' });
      expect((await rest('GET', '/rest/organizations/1001', { headers: { 'linkedin-version': '20250601' } })).status).toBe(426);
      expect((await rest('GET', '/rest/organizations/1001', { headers: { 'linkedin-version': '202505.01' } })).status).toBe(200);
    });

    it('requires X-Restli-Protocol-Version 2.0.0', async () => {
      const res = await rest('GET', '/rest/organizations/1001', { headers: { 'x-restli-protocol-version': undefined } });
      expect([res.status, res.json.code]).toEqual([400, 'UNSUPPORTED_PROTOCOL_VERSION']);
      expect((await rest('GET', '/rest/organizations/1001', { headers: { 'x-restli-protocol-version': '1.0.0' } })).status).toBe(400);
    });

    it('derives the active window from its clock when no list is configured', () => {
      const rolling = new LinkedInSandbox({ now: () => new Date('2025-06-15T00:00:00Z') });
      expect(rolling.activeVersions).toHaveLength(12);
      expect([rolling.latestVersion, rolling.activeVersions.at(-1)]).toEqual(['202506', '202407']);
    });
  });

  describe('OAuth tokens', () => {
    it('rejects a missing, unknown or revoked Bearer token with LinkedIn 401 bodies', async () => {
      const missing = await rest('GET', '/rest/organizations/1001', { headers: { authorization: undefined } });
      expect(missing.json).toEqual({ status: 401, serviceErrorCode: 65604, code: 'EMPTY_ACCESS_TOKEN', message: 'Empty oauth2_access_token' });
      expect((await rest('GET', '/rest/organizations/1001', { token: 'AQVforged' })).json).toMatchObject({ status: 401, serviceErrorCode: 65600, code: 'INVALID_ACCESS_TOKEN' });
      sandbox.revokeToken(token);
      expect((await rest('GET', '/rest/organizations/1001')).json).toMatchObject({ status: 401, serviceErrorCode: 65601, code: 'REVOKED_ACCESS_TOKEN' });
    });

    it('exchanges a single-use authorization code for 60-day access and 365-day refresh tokens', async () => {
      const code = sandbox.authorize(undefined, { redirectUri: 'https://app.example/cb' });
      const ok = await tokenEndpoint({ grant_type: 'authorization_code', code, redirect_uri: 'https://app.example/cb' });
      expect(ok.status).toBe(200);
      expect(ok.json).toMatchObject({ expires_in: 5_184_000, refresh_token_expires_in: 31_536_000, scope: expect.stringContaining('w_organization_social') });
      expect((await rest('GET', '/rest/organizations/1001', { token: ok.json.access_token })).status).toBe(200);
      const reused = await tokenEndpoint({ grant_type: 'authorization_code', code, redirect_uri: 'https://app.example/cb' });
      expect([reused.status, reused.json.error]).toEqual([400, 'invalid_grant']);
    });

    it('refuses wrong client credentials, a mismatched redirect_uri and unknown grant types', async () => {
      const code = sandbox.authorize(undefined, { redirectUri: 'https://app.example/cb' });
      expect((await tokenEndpoint({ grant_type: 'authorization_code', code, redirect_uri: 'https://app.example/cb', client_secret: 'x' })).json.error).toBe('invalid_client');
      expect((await tokenEndpoint({ grant_type: 'authorization_code', code, redirect_uri: 'https://evil.example/cb' })).json.error).toBe('invalid_redirect_uri');
      expect((await tokenEndpoint({ grant_type: 'password' })).json.error).toBe('unsupported_grant_type');
    });

    it('redirects the consent URL back with a code and state', async () => {
      const u = new URL('/oauth/v2/authorization', sandbox.url);
      u.search = new URLSearchParams({ response_type: 'code', client_id: LINKEDIN_SANDBOX_CLIENT.id, redirect_uri: 'https://app.example/cb', state: 's1', scope: 'w_organization_social' }).toString();
      const res = await request(u);
      await res.body.dump();
      const location = new URL(String(res.headers.location));
      expect([res.statusCode, location.origin + location.pathname, location.searchParams.get('state')]).toEqual([302, 'https://app.example/cb', 's1']);
      const tokens = await tokenEndpoint({ grant_type: 'authorization_code', code: location.searchParams.get('code')!, redirect_uri: 'https://app.example/cb' });
      expect(tokens.json.scope).toBe('w_organization_social');
    });

    it('expires the access token after 60 days; refresh issues a new one while the refresh token keeps its original expiry', async () => {
      const issued = sandbox.issueTokens();
      now += 60 * DAY - 1;
      expect((await rest('GET', '/rest/organizations/1001', { token: issued.access_token })).status).toBe(200);
      now += 1;
      const expired = await rest('GET', '/rest/organizations/1001', { token: issued.access_token });
      expect(expired.json).toEqual({ status: 401, serviceErrorCode: 65602, code: 'EXPIRED_ACCESS_TOKEN', message: 'The token used in the request has expired' });

      const refreshed = await tokenEndpoint({ grant_type: 'refresh_token', refresh_token: issued.refresh_token });
      expect(refreshed.status).toBe(200);
      expect(refreshed.json.access_token).not.toBe(issued.access_token);
      expect(refreshed.json.refresh_token).toBe(issued.refresh_token);
      expect(refreshed.json.refresh_token_expires_in).toBe(305 * 86_400);
      expect((await rest('GET', '/rest/organizations/1001', { token: refreshed.json.access_token })).status).toBe(200);

      now = START + 365 * DAY;
      const dead = await tokenEndpoint({ grant_type: 'refresh_token', refresh_token: issued.refresh_token });
      expect([dead.status, dead.json.error]).toEqual([400, 'invalid_grant']);
    });
  });

  describe('PKCE, refresh-token rotation and revocation', () => {
    const verifier = 'a-pkce-code-verifier-of-at-least-43-characters-0123456789';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    async function form(path: string, fields: Record<string, string>, base = sandbox.url) {
      const res = await request(new URL(path, base), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: LINKEDIN_SANDBOX_CLIENT.id, client_secret: LINKEDIN_SANDBOX_CLIENT.secret, ...fields }).toString(),
      });
      const text = await res.body.text();
      return { status: res.statusCode, json: (text ? JSON.parse(text) : undefined) as Record<string, any> | undefined };
    }

    it('binds a code to its S256 code_challenge: a missing or wrong code_verifier is invalid_grant, the right one gets tokens', async () => {
      const u = new URL('/oauth/v2/authorization', sandbox.url);
      u.search = new URLSearchParams({ response_type: 'code', client_id: LINKEDIN_SANDBOX_CLIENT.id, redirect_uri: 'https://app.example/cb', code_challenge: challenge, code_challenge_method: 'S256' }).toString();
      const codeOf = async () => {
        const res = await request(u);
        await res.body.dump();
        return new URL(String(res.headers.location)).searchParams.get('code')!;
      };
      const missing = await tokenEndpoint({ grant_type: 'authorization_code', code: await codeOf(), redirect_uri: 'https://app.example/cb' });
      expect([missing.status, missing.json.error]).toEqual([400, 'invalid_grant']);
      const wrong = await tokenEndpoint({ grant_type: 'authorization_code', code: await codeOf(), redirect_uri: 'https://app.example/cb', code_verifier: `${verifier}x` });
      expect([wrong.status, wrong.json.error]).toEqual([400, 'invalid_grant']);
      const right = await tokenEndpoint({ grant_type: 'authorization_code', code: await codeOf(), redirect_uri: 'https://app.example/cb', code_verifier: verifier });
      expect(right.status).toBe(200);

      const plain = new URL(u);
      plain.searchParams.set('code_challenge_method', 'plain');
      const refused = await request(plain);
      expect([refused.statusCode, ((await refused.body.json()) as { error: string }).error]).toEqual([400, 'invalid_request']);
    });

    it('by default returns the same refresh token and counts refresh grants served and rejected', async () => {
      const issued = sandbox.issueTokens();
      for (let i = 0; i < 2; i++) expect((await tokenEndpoint({ grant_type: 'refresh_token', refresh_token: issued.refresh_token })).json.refresh_token).toBe(issued.refresh_token);
      await tokenEndpoint({ grant_type: 'refresh_token', refresh_token: 'AQXforged' });
      expect(sandbox.refreshGrants).toEqual({ served: 2, rejected: 1 });
      sandbox.reset();
      expect(sandbox.refreshGrants).toEqual({ served: 0, rejected: 0 });
    });

    it('with rotateRefreshTokens, a refresh returns a new refresh token and the old one gets 400 invalid_grant', async () => {
      const rotating = new LinkedInSandbox({ rotateRefreshTokens: true, now: () => new Date(now) });
      await rotating.start();
      try {
        const issued = rotating.issueTokens();
        const first = await form('/oauth/v2/accessToken', { grant_type: 'refresh_token', refresh_token: issued.refresh_token }, rotating.url);
        expect(first.status).toBe(200);
        expect(first.json!.refresh_token).not.toBe(issued.refresh_token);
        expect(first.json!.refresh_token_expires_in).toBe(365 * 86_400);
        const again = await form('/oauth/v2/accessToken', { grant_type: 'refresh_token', refresh_token: issued.refresh_token }, rotating.url);
        expect([again.status, again.json!.error]).toEqual([400, 'invalid_grant']);
        const next = await form('/oauth/v2/accessToken', { grant_type: 'refresh_token', refresh_token: first.json!.refresh_token }, rotating.url);
        expect(next.status).toBe(200);
        expect(rotating.refreshGrants).toEqual({ served: 2, rejected: 1 });
      } finally {
        await rotating.stop();
      }
    });

    it('POST /oauth/v2/revoke answers 200 and the revoked access token is refused; a wrong client secret is 401 invalid_client', async () => {
      const issued = sandbox.issueTokens();
      expect((await form('/oauth/v2/revoke', { token: issued.access_token, client_secret: 'nope' })).json).toMatchObject({ error: 'invalid_client' });
      expect((await rest('GET', '/rest/organizations/1001', { token: issued.access_token })).status).toBe(200);
      expect(await form('/oauth/v2/revoke', { token: issued.access_token })).toEqual({ status: 200, json: undefined });
      expect((await rest('GET', '/rest/organizations/1001', { token: issued.access_token })).json).toMatchObject({ code: 'REVOKED_ACCESS_TOKEN' });
      expect((await form('/oauth/v2/revoke', { token: issued.refresh_token })).status).toBe(200);
      expect((await tokenEndpoint({ grant_type: 'refresh_token', refresh_token: issued.refresh_token })).json.error).toBe('invalid_grant');
    });
  });

  describe('POST /rest/posts', () => {
    it('creates an organization post: 201, URN in x-restli-id, empty body, ledger entry', async () => {
      const res = await post(validPost());
      expect(res.status).toBe(201);
      expect(res.headers['x-restli-id']).toMatch(/^urn:li:share:\d{19}$/);
      expect(res.json).toBeUndefined();
      expect(sandbox.ledger).toEqual([
        expect.objectContaining({ action: 'post.created', memberId: 'sbxMember1', urn: res.headers['x-restli-id'], author: 'urn:li:organization:1001', lifecycleState: 'PUBLISHED', version: '202506' }),
      ]);
      const stored = await rest('GET', `/rest/posts/${encodeURIComponent(String(res.headers['x-restli-id']))}`);
      expect(stored.json).toMatchObject({ id: res.headers['x-restli-id'], commentary: 'Hello from the sandbox', publishedAt: START });
    });

    it('rejects schema problems with a Rest.li 422 listing each one, and records nothing', async () => {
      const res = await post({ author: 'urn:li:company:1', commentary: 'x', visibility: 'SECRET', distribution: {} });
      expect(res.status).toBe(422);
      expect(res.json.status).toBe(422);
      expect(res.json.message.split('\n').filter(Boolean)).toEqual([
        expect.stringMatching(/^ERROR :: \/author :: "urn:li:company:1" is not a valid author URN/),
        'ERROR :: /visibility :: "SECRET" is not an enum symbol',
        'ERROR :: /lifecycleState :: field is required but not found and has no default value',
        'ERROR :: /distribution/feedDistribution :: field is required but not found and has no default value',
      ]);
      expect(sandbox.ledger).toHaveLength(0);
    });

    it('answers 403 ACCESS_DENIED for an organization the member does not administer (analyst, pending, none) or another person', async () => {
      for (const author of ['urn:li:organization:1002', 'urn:li:organization:1003', 'urn:li:organization:999', 'urn:li:person:someoneElse']) {
        const res = await post(validPost(author));
        expect([author, res.status, res.json]).toEqual([author, 403, { status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED', message: 'Not enough permissions to access: partnerApiPostsExternal.CREATE.202506' }]);
      }
      expect((await post(validPost('urn:li:person:sbxMember1'))).status).toBe(201);
      const noScope = sandbox.issueTokens('sbxMember1', 'r_organization_admin').access_token;
      expect((await post(validPost(), { token: noScope })).status).toBe(403);
    });
  });

  describe('organizations, ACLs and share statistics', () => {
    it('lists the approved ADMINISTRATOR ACLs of the member', async () => {
      const res = await rest('GET', '/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED');
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        paging: { start: 0, count: 10, links: [], total: 1 },
        elements: [{ roleAssignee: 'urn:li:person:sbxMember1', role: 'ADMINISTRATOR', state: 'APPROVED', organization: 'urn:li:organization:1001' }],
      });
      expect((await rest('GET', '/rest/organizationAcls?q=roleAssignee')).json.elements).toHaveLength(3);
    });

    it('gets an organization by id and 404s an unknown one', async () => {
      const res = await rest('GET', '/rest/organizations/1001');
      expect(res.json).toMatchObject({ id: 1001, localizedName: 'Junction Sandbox Co', vanityName: 'junction-sandbox', $URN: 'urn:li:organization:1001' });
      expect((await rest('GET', '/rest/organizations/4242')).status).toBe(404);
    });

    it('returns share statistics for an encoded organization URN, counting published posts; refuses raw URNs and non-admins', async () => {
      sandbox.setShareStatistics(1001, { impressionCount: 120, likeCount: 4, shareCount: 2 });
      await post(validPost());
      await post({ ...validPost(), lifecycleState: 'DRAFT' });
      const res = await rest('GET', `/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=${encodeURIComponent('urn:li:organization:1001')}`);
      expect(res.status).toBe(200);
      expect(res.json.elements).toEqual([
        { organizationalEntity: 'urn:li:organization:1001', totalShareStatistics: expect.objectContaining({ shareCount: 3, impressionCount: 120, likeCount: 4, commentCount: 0 }) },
      ]);
      const raw = await rest('GET', '/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=urn:li:organization:1001');
      expect([raw.status, raw.json.code]).toEqual([400, 'ILLEGAL_ARGUMENT']);
      const other = await rest('GET', `/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=${encodeURIComponent('urn:li:organization:1003')}`);
      expect(other.status).toBe(403);
    });
  });

  describe('daily budget per member (injected clock)', () => {
    it('allows memberPerDay calls, then 429 without Retry-After until midnight UTC', async () => {
      for (let i = 0; i < 20; i++) expect((await rest('GET', '/rest/organizations/1001')).status).toBe(200);
      now = Date.parse('2025-06-15T23:59:59.999Z');
      const over = await rest('GET', '/rest/organizations/1001');
      expect(over.status).toBe(429);
      expect(over.headers['retry-after']).toBeUndefined();
      expect(over.json).toEqual({ status: 429, serviceErrorCode: 101, code: 'TOO_MANY_REQUESTS', message: 'Resource level throttle MEMBER DAY limit for calls to this resource is reached.' });
      expect(sandbox.budgetUsed()).toBe(20);

      const other = sandbox.issueTokens('sbxMember2').access_token;
      expect((await rest('GET', '/rest/organizations/1002', { token: other })).status).toBe(200);

      now = Date.parse('2025-06-16T00:00:00.000Z');
      expect((await rest('GET', '/rest/organizations/1001')).status).toBe(200);
      expect(sandbox.budgetUsed()).toBe(1);
    });

    it('does not count calls refused before the budget (bad version, bad token)', async () => {
      await rest('GET', '/rest/organizations/1001', { headers: { 'linkedin-version': '202401' } });
      await rest('GET', '/rest/organizations/1001', { token: 'AQVforged' });
      expect(sandbox.budgetUsed()).toBe(0);
    });
  });

  describe('faults through the kit', () => {
    it('hang: the request never answers and the client times out on its own deadline', async () => {
      sandbox.faults.set({ hang: true });
      const started = Date.now();
      await expect(
        request(new URL('/rest/organizations/1001', sandbox.url), { headers: { 'linkedin-version': '202506' }, headersTimeout: 150 }),
      ).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(sandbox.requests.at(-1)).toMatchObject({ path: '/rest/organizations/1001', status: null });
      sandbox.faults.clear();
      expect((await rest('GET', '/rest/organizations/1001')).status).toBe(200);
    });

    it('failNext 429 answers with LinkedIn’s throttle body (and a Retry-After only when the test sets one)', async () => {
      sandbox.faults.set({ failNext: { count: 1, status: 429 } });
      const res = await rest('GET', '/rest/organizations/1001');
      expect([res.status, res.json.code, res.headers['retry-after']]).toEqual([429, 'TOO_MANY_REQUESTS', undefined]);
      expect(sandbox.budgetUsed()).toBe(0);
    });
  });
});
