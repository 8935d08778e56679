import type { IntegrationError } from '@junction/resilience';
import { LinkedInClient, organizationUrn } from './linkedin.client';
import { LinkedInVersionSunsetError, msUntilMidnightUtc, restliMessage } from './linkedin.errors';
import { LinkedInSandbox } from './sandbox/linkedin.sandbox';

const VERSION = '202501';

/** The client against the LinkedIn sandbox over HTTP: headers, token refresh on 401, every error status, paging, budget. */
describe('LinkedInClient (LinkedIn sandbox)', () => {
  let clock = new Date('2025-01-15T18:30:00.000Z');
  const sandbox = new LinkedInSandbox({ activeVersions: ['202412', VERSION], now: () => clock, dailyLimits: { memberPerDay: 1_000 } });
  let token: string;

  beforeAll(async () => {
    await sandbox.start();
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => {
    clock = new Date('2025-01-15T18:30:00.000Z');
    sandbox.reset();
    token = sandbox.issueTokens().access_token;
  });

  const client = (over: Partial<ConstructorParameters<typeof LinkedInClient>[0]> = {}) =>
    new LinkedInClient({ baseUrl: sandbox.url, version: VERSION, token: async () => token, timeoutMs: 2_000, now: () => clock, ...over });
  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as IntegrationError);

  describe('versioned headers', () => {
    it('sends LinkedIn-Version and X-Restli-Protocol-Version on every /rest call (the sandbox refuses a call without them)', async () => {
      const acls = await client().organizationAcls({ role: 'ADMINISTRATOR', state: 'APPROVED' });
      expect(acls).toEqual([{ roleAssignee: 'urn:li:person:sbxMember1', role: 'ADMINISTRATOR', state: 'APPROVED', organization: 'urn:li:organization:1001' }]);
      expect(await client({ version: '202412.01' }).organization(1001)).toMatchObject({ id: 1001, localizedName: 'Junction Sandbox Co' });
      expect(sandbox.requests.every((r) => r.status === 200)).toBe(true);
    });

    it('a sunset version (426) is a LinkedInVersionSunsetError: class client, not retryable, names the version and the fix', async () => {
      const error = await failure(client({ version: '202306' }).organization(1001));
      expect(error).toBeInstanceOf(LinkedInVersionSunsetError);
      expect(error).toMatchObject({ errorClass: 'client', retryable: false, status: 426, version: '202306' });
      expect(error!.message).toMatch(/202306.*not active.*config\.version/s);
    });
  });

  describe('tokens', () => {
    it('on a 401 asks the provider once for a fresh token, passing the refused one, and repeats the call', async () => {
      const stale = token;
      sandbox.revokeToken(stale);
      const fresh = sandbox.issueTokens().access_token;
      const asked: (string | undefined)[] = [];
      const c = client({ token: async (rejected) => (asked.push(rejected), rejected ? fresh : stale) });
      expect(await c.organization(1001)).toMatchObject({ id: 1001 });
      expect(asked).toEqual([undefined, stale]);
      expect(sandbox.requests.map((r) => r.status)).toEqual([401, 200]);
    });

    it('a second 401 is auth (not retried again); the token never appears in the message', async () => {
      const asked: (string | undefined)[] = [];
      const error = await failure(client({ token: async (rejected) => (asked.push(rejected), 'AQVnot-a-token') }).organization(1001));
      expect(error).toMatchObject({ errorClass: 'auth', retryable: false, status: 401 });
      expect(asked).toEqual([undefined, 'AQVnot-a-token']);
      expect(error!.message).not.toContain('AQVnot-a-token');
      expect(sandbox.requests).toHaveLength(2);
    });
  });

  describe('errors', () => {
    it('403 → forbidden (no role on the organization)', async () => {
      const error = await failure(client().createPost({ author: organizationUrn(1002), commentary: 'not mine' }));
      expect(error).toMatchObject({ errorClass: 'forbidden', status: 403, retryable: false });
      expect(error!.message).toContain('ACCESS_DENIED');
    });

    it('404 → not_found', async () => {
      expect(await failure(client().organization(999_999))).toMatchObject({ errorClass: 'not_found', status: 404 });
    });

    it('422 → validation with the Rest.li messages', async () => {
      const error = await failure(client().createPost({ author: organizationUrn(1001), commentary: 'x'.repeat(3_001) }));
      expect(error).toMatchObject({ errorClass: 'validation', status: 422, code: 'PROVIDER_VALIDATION' });
      expect(error!.message).toContain('/commentary: length 3001 exceeds maximum of 3000');
      const article = await failure(client().shareArticle({ author: organizationUrn(1001), commentary: 'read', article: { source: 'not a url', title: 'T' } }));
      expect(article).toMatchObject({ errorClass: 'validation' });
      expect(article!.message).toContain('/content/article/source');
    });

    it('429 without Retry-After (the daily quota) → rate_limit, retryAfterMs until midnight UTC', async () => {
      const small = new LinkedInSandbox({ activeVersions: [VERSION], now: () => clock, dailyLimits: { memberPerDay: 2 } });
      await small.start();
      try {
        const t = small.issueTokens().access_token;
        const c = new LinkedInClient({ baseUrl: small.url, version: VERSION, token: async () => t, now: () => clock });
        await c.organization(1001);
        await c.organization(1001);
        const error = await failure(c.organization(1001));
        expect(error).toMatchObject({ errorClass: 'rate_limit', retryable: true, status: 429 });
        expect(error!.retryAfterMs).toBe(5.5 * 3_600_000); // 18:30 → 00:00 UTC
        expect(error!.message).toContain('MEMBER DAY limit');
        // The next UTC day the budget is back.
        clock = new Date('2025-01-16T00:00:01.000Z');
        expect(await c.organization(1001)).toMatchObject({ id: 1001 });
      } finally {
        await small.stop();
      }
    });

    it('429 with Retry-After honours it; 5xx → server; 400 → client', async () => {
      sandbox.faults.set({ failNext: { count: 1, status: 429, retryAfter: '7' } });
      expect(await failure(client().organization(1001))).toMatchObject({ errorClass: 'rate_limit', retryAfterMs: 7_000 });
      sandbox.faults.set({ failNext: { count: 1, status: 503 } });
      expect(await failure(client().organization(1001))).toMatchObject({ errorClass: 'server', retryable: true, status: 503 });
      sandbox.faults.set({ failNext: { count: 1, status: 500 } });
      expect(await failure(client().organization(1001))).toMatchObject({ errorClass: 'server', status: 500 });
      sandbox.faults.clear();
      // An empty LinkedIn-Version: 400 VERSION_MISSING → client (our request is wrong, retrying will not help).
      expect(await failure(client({ version: '' }).organization(1001))).toMatchObject({ errorClass: 'client', status: 400, retryable: false });
    });

    it('no answer in time → timeout; nobody listening → network', async () => {
      sandbox.faults.set({ hang: true });
      expect(await failure(client({ timeoutMs: 200 }).organization(1001))).toMatchObject({ errorClass: 'timeout', retryable: true });
      sandbox.faults.clear();
      expect(await failure(new LinkedInClient({ baseUrl: 'http://127.0.0.1:1', version: VERSION, token: async () => token }).organization(1001))).toMatchObject({
        errorClass: 'network',
      });
    });

    it('restliMessage flattens Rest.li validation lines; midnight UTC arithmetic', () => {
      expect(restliMessage('ERROR :: /a :: bad\nERROR :: /b :: worse\n')).toBe('/a: bad; /b: worse');
      expect(msUntilMidnightUtc(new Date('2025-03-01T23:59:59.000Z'))).toBe(1_000);
    });
  });

  describe('operations', () => {
    it('creates a post: 201, URN from x-restli-id; the author finder lists it newest first', async () => {
      const c = client();
      const first = await c.createPost({ author: organizationUrn(1001), commentary: 'first' });
      const second = await c.createPost({ author: organizationUrn(1001), commentary: 'second', visibility: 'LOGGED_IN' });
      expect(first.urn).toMatch(/^urn:li:share:\d+$/);
      expect(sandbox.posts().map((p) => p.id)).toEqual([first.urn, second.urn]);
      const { posts, total } = await c.postsByAuthor(organizationUrn(1001));
      expect(total).toBe(2);
      expect(posts.map((p) => [p.urn, p.commentary])).toEqual([
        [second.urn, 'second'],
        [first.urn, 'first'],
      ]);
      expect((await c.postsByAuthor(organizationUrn(1001), { start: 1, count: 1 })).posts.map((p) => p.urn)).toEqual([first.urn]);
    });

    it('shares an article (content.article source/title/description)', async () => {
      const { urn } = await client().shareArticle({
        author: organizationUrn(1001),
        commentary: 'worth reading',
        article: { source: 'https://junction.example/blog/1', title: 'Junction 1.0', description: 'what is new' },
      });
      expect(sandbox.posts().find((p) => p.id === urn)?.content).toEqual({ article: { source: 'https://junction.example/blog/1', title: 'Junction 1.0', description: 'what is new' } });
      expect((await client().postsByAuthor(organizationUrn(1001))).posts[0]).toMatchObject({ urn, articleSource: 'https://junction.example/blog/1' });
    });

    it('share statistics: lifetime, and with a timeframe (timeIntervals sent; the sandbox ignores it → timeBound false)', async () => {
      sandbox.setShareStatistics(1001, { impressionCount: 500, clickCount: 12 });
      await client().createPost({ author: organizationUrn(1001), commentary: 'counted' });
      const lifetime = await client().shareStatistics(1001);
      expect(lifetime).toEqual({ timeBound: false, elements: [{ totals: expect.objectContaining({ impressionCount: 500, clickCount: 12, shareCount: 1, likeCount: 0 }) }] });
      const ranged = await client().shareStatistics(1001, { start: Date.parse('2025-01-01'), end: Date.parse('2025-01-08'), granularity: 'DAY' });
      expect(ranged.timeBound).toBe(false);
      expect(ranged.elements[0]!.totals.impressionCount).toBe(500);
      // ANALYST on 1002 may read its statistics; no role on 1003 (only REQUESTED) may not.
      expect((await client().shareStatistics(1002)).elements).toHaveLength(1);
      expect(await failure(client().shareStatistics(1003))).toMatchObject({ errorClass: 'forbidden' });
    });

    it('organization ACLs: filters, every page (start/count to the end), and the organization finder for admins', async () => {
      const all = await client().organizationAcls();
      expect(all.map((a) => `${a.organization}:${a.role}:${a.state}`)).toEqual([
        'urn:li:organization:1001:ADMINISTRATOR:APPROVED',
        'urn:li:organization:1002:ANALYST:APPROVED',
        'urn:li:organization:1003:ADMINISTRATOR:REQUESTED',
      ]);
      expect(await client().organizationAcls({ state: 'REQUESTED' })).toHaveLength(1);
      expect(await client().organizationRoleAssignees(1001)).toEqual([expect.objectContaining({ roleAssignee: 'urn:li:person:sbxMember1', role: 'ADMINISTRATOR' })]);
      expect(await failure(client().organizationRoleAssignees(1002))).toMatchObject({ errorClass: 'forbidden' });
    });

    it('pages through a long ACL list to the end', async () => {
      const many = new LinkedInSandbox({
        activeVersions: [VERSION],
        members: [{ id: 'm', acls: Array.from({ length: 230 }, (_, i) => ({ organizationId: 5_000 + i, role: 'ANALYST' as const, state: 'APPROVED' as const })) }],
        organizations: [],
      });
      await many.start();
      try {
        const t = many.issueTokens().access_token;
        const acls = await new LinkedInClient({ baseUrl: many.url, version: VERSION, token: async () => t }).organizationAcls();
        expect(acls).toHaveLength(230);
        expect(new Set(acls.map((a) => a.organization)).size).toBe(230);
        expect(many.requests.filter((r) => r.path === '/rest/organizationAcls')).toHaveLength(3);
      } finally {
        await many.stop();
      }
    });

    it('the member’s identity (OpenID Connect /v2/userinfo)', async () => {
      expect(await client().me()).toEqual({ sub: 'sbxMember1', personUrn: 'urn:li:person:sbxMember1', name: 'Sandra Sandbox', email: 'sandra@junction.example' });
      const narrow = sandbox.issueTokens('sbxMember1', 'r_organization_admin').access_token;
      expect(await failure(client({ token: async () => narrow }).me())).toMatchObject({ errorClass: 'forbidden' });
    });
  });
});
