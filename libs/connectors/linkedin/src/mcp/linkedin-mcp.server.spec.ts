import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectInMemory } from '@junction/testing';
import { LinkedInClient } from '../linkedin.client';
import { LinkedInSandbox } from '../sandbox/linkedin.sandbox';
import { createLinkedInMcpServer } from './linkedin-mcp.server';
import { LINKEDIN_MCP_TOOLS } from './linkedin-mcp.tools';

const VERSION = '202501';

/** The real SDK client against the LinkedIn MCP server, which calls the LinkedIn sandbox over HTTP. */
describe('LinkedIn MCP server (SDK client, in-memory transport, LinkedIn sandbox)', () => {
  let clock = new Date('2025-01-15T18:30:00.000Z');
  const sandbox = new LinkedInSandbox({ activeVersions: ['202412', VERSION], now: () => clock, dailyLimits: { memberPerDay: 1_000 } });
  let token = '';
  let mcp: Client;

  const connect = (client: LinkedInClient): Promise<Client> => connectInMemory(createLinkedInMcpServer(client));
  const rest = (over: Partial<ConstructorParameters<typeof LinkedInClient>[0]> = {}) =>
    new LinkedInClient({ baseUrl: sandbox.url, version: VERSION, token: async () => token, timeoutMs: 2_000, now: () => clock, ...over });

  beforeAll(async () => {
    await sandbox.start();
    mcp = await connect(rest());
  });
  afterAll(async () => {
    await mcp.close();
    await sandbox.stop();
  });
  beforeEach(() => {
    clock = new Date('2025-01-15T18:30:00.000Z');
    sandbox.reset();
    token = sandbox.issueTokens().access_token;
  });

  const call = (name: string, args: Record<string, unknown> = {}) => mcp.callTool({ name, arguments: args });

  it('lists the spec tools, each with an input schema, an output schema and annotations', async () => {
    const { tools } = await mcp.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual(
      ['get_organization_profile', 'get_post_analytics', 'get_posts_by_author', 'post_company_update', 'share_article', 'verify_employee', 'verify_organization'].sort(),
    );
    expect([...byName.keys()].sort()).toEqual(Object.values(LINKEDIN_MCP_TOOLS).sort());
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      expect(tool.annotations).toMatchObject({ openWorldHint: true });
    }
    for (const read of ['verify_organization', 'verify_employee', 'get_organization_profile', 'get_posts_by_author', 'get_post_analytics']) {
      expect(byName.get(read)!.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    }
    for (const write of ['post_company_update', 'share_article']) {
      expect(byName.get(write)!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false });
    }
    expect(byName.get('verify_organization')!.inputSchema).toMatchObject({ properties: { organization_id: { type: 'integer' } }, required: ['organization_id'] });
    expect(byName.get('post_company_update')!.inputSchema.required).toEqual(['author', 'commentary']);
    expect(byName.get('share_article')!.inputSchema.required).toEqual(['author', 'commentary', 'article']);
  });

  it('verify_organization and verify_employee judge the member’s page roles', async () => {
    expect((await call('verify_organization', { organization_id: 1001 })).structuredContent).toEqual({
      organizationUrn: 'urn:li:organization:1001',
      memberUrn: 'urn:li:person:sbxMember1',
      verified: true,
      roles: ['ADMINISTRATOR:APPROVED'],
    });
    expect((await call('verify_organization', { organization_id: 1002 })).structuredContent).toMatchObject({ verified: false, roles: ['ANALYST:APPROVED'] });
    expect((await call('verify_employee', { organization_id: 1003 })).structuredContent).toEqual({
      organizationUrn: 'urn:li:organization:1003',
      memberUrn: 'urn:li:person:sbxMember1',
      verified: false,
      approvedRoles: [],
      pendingRoles: [expect.stringMatching(/:REQUESTED$/)],
    });
    // Another member, from the organization's role list (the token's member administers 1001).
    const other = await call('verify_employee', { organization_id: 1001, member_urn: 'urn:li:person:sbxMember1', roles: ['ADMINISTRATOR'] });
    expect(other.structuredContent).toMatchObject({ memberUrn: 'urn:li:person:sbxMember1', verified: true, approvedRoles: ['ADMINISTRATOR'] });
  });

  it('post_company_update and share_article publish as the organization; get_posts_by_author finds them; structured output and text agree', async () => {
    const update = await call('post_company_update', { author: 'urn:li:organization:1001', commentary: 'Hello over MCP' });
    expect(update.isError).toBeFalsy();
    const { urn } = update.structuredContent as { urn: string };
    expect(urn).toMatch(/^urn:li:share:\d+$/);
    expect(update.content).toEqual([{ type: 'text', text: JSON.stringify(update.structuredContent) }]);
    const article = await call('share_article', {
      author: 'urn:li:organization:1001',
      commentary: 'Read this',
      visibility: 'PUBLIC',
      article: { source: 'https://junction.example/blog', title: 'Launch' },
    });
    expect(sandbox.posts().map((p) => [p.id, p.commentary, p.content])).toEqual([
      [urn, 'Hello over MCP', undefined],
      [(article.structuredContent as { urn: string }).urn, 'Read this', { article: { source: 'https://junction.example/blog', title: 'Launch' } }],
    ]);
    const found = await call('get_posts_by_author', { author: 'urn:li:organization:1001', count: 10 });
    expect((found.structuredContent as { posts: { urn: string; articleSource?: string }[] }).posts).toEqual(
      expect.arrayContaining([expect.objectContaining({ urn, commentary: 'Hello over MCP' }), expect.objectContaining({ articleSource: 'https://junction.example/blog' })]),
    );
  });

  it('get_organization_profile and get_post_analytics (lifetime, and a time range the sandbox answers with lifetime totals)', async () => {
    expect((await call('get_organization_profile', { organization_id: 1001 })).structuredContent).toMatchObject({ organization: { id: 1001, urn: 'urn:li:organization:1001', localizedName: 'Junction Sandbox Co' } });
    sandbox.setShareStatistics(1001, { impressionCount: 500, clickCount: 20 });
    const lifetime = await call('get_post_analytics', { organization_id: 1001 });
    expect(lifetime.structuredContent).toMatchObject({ timeBound: false, elements: [{ totals: { impressionCount: 500, clickCount: 20 } }] });
    const ranged = await call('get_post_analytics', { organization_id: 1001, time_range: { start: Date.UTC(2025, 0, 1), end: Date.UTC(2025, 0, 8) }, granularity: 'DAY' });
    expect(ranged.structuredContent).toMatchObject({ timeBound: false });
  });

  it('failures are error results classified in _meta: forbidden (403), a sunset version (426, with the version), the daily budget (429 until midnight UTC)', async () => {
    const forbidden = await call('post_company_update', { author: 'urn:li:organization:1002', commentary: 'Not my page' });
    expect(forbidden).toMatchObject({ isError: true, _meta: { httpStatus: 403, errorClass: 'forbidden' } });
    expect((forbidden.content as { text: string }[])[0]!.text).toMatch(/^LinkedIn createPost failed \(403/);
    expect(sandbox.posts()).toHaveLength(0);

    const sunset = await connect(rest({ version: '202306' }));
    try {
      expect(await sunset.callTool({ name: 'get_organization_profile', arguments: { organization_id: 1001 } })).toMatchObject({
        isError: true,
        _meta: { httpStatus: 426, errorClass: 'client', linkedinVersion: '202306' },
      });
    } finally {
      await sunset.close();
    }

    sandbox.faults.set({ failNext: { count: 1, status: 429 } });
    const limited = await call('verify_organization', { organization_id: 1001 });
    expect(limited).toMatchObject({ isError: true, _meta: { httpStatus: 429, errorClass: 'rate_limit', retryAfterMs: 5.5 * 3_600_000 } });
  });

  it('never echoes the token, and refuses arguments that break the input schema before calling LinkedIn', async () => {
    token = 'AQV-not-a-valid-token-value';
    const refused = await call('verify_organization', { organization_id: 1001 });
    expect(refused).toMatchObject({ isError: true, _meta: { httpStatus: 401, errorClass: 'auth' } });
    expect(JSON.stringify(refused)).not.toContain(token);

    const before = sandbox.requests.length;
    const bad = await call('post_company_update', { author: 'someone', commentary: 'x' });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toMatch(/Input validation error/);
    expect(await call('verify_employee', { organization_id: 1001, roles: ['OWNER'] })).toMatchObject({ isError: true });
    expect(sandbox.requests.length).toBe(before);
  });
});
