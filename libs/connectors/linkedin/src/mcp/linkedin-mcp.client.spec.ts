import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { IntegrationError } from '@junction/resilience';
import { connectInMemory, fakeCallTool, integrationFailure as failure, sdkCallTool, textBlock as text } from '@junction/testing';
import { LinkedInClient } from '../linkedin.client';
import { LinkedInVersionSunsetError } from '../linkedin.errors';
import type { LinkedInPort } from '../linkedin.port';
import type { LinkedInCallOptions } from '../linkedin.types';
import { LinkedInSandbox } from '../sandbox/linkedin.sandbox';
import { LinkedInMcpClient } from './linkedin-mcp.client';
import { createLinkedInMcpServer } from './linkedin-mcp.server';
import type { McpToolResult } from './linkedin-mcp.tools';

const VERSION = '202501';

describe('LinkedInMcpClient against the LinkedIn MCP server (same results and errors as LinkedInClient)', () => {
  const clock = new Date('2025-01-15T18:30:00.000Z');
  const sandbox = new LinkedInSandbox({ activeVersions: ['202412', VERSION], now: () => clock, dailyLimits: { memberPerDay: 1_000 } });
  let token = '';
  let rest: LinkedInClient;
  const sessions: Client[] = [];
  let viaMcp: LinkedInMcpClient;

  async function overMcp(port: LinkedInPort): Promise<LinkedInMcpClient> {
    const sdk = await connectInMemory(createLinkedInMcpServer(port));
    sessions.push(sdk);
    return new LinkedInMcpClient({ callTool: sdkCallTool(sdk) });
  }

  beforeAll(async () => {
    await sandbox.start();
    rest = new LinkedInClient({ baseUrl: sandbox.url, version: VERSION, token: async () => token, timeoutMs: 2_000, now: () => clock });
    viaMcp = await overMcp(rest);
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await sandbox.stop();
  });

  const reset = () => {
    sandbox.reset();
    token = sandbox.issueTokens().access_token;
  };

  /** Runs the same script through each port on a freshly reset sandbox; both must answer the same. */
  async function same<T>(script: (port: LinkedInPort) => Promise<T>): Promise<T> {
    reset();
    const expected = await script(rest);
    reset();
    const actual = await script(viaMcp);
    expect(comparable(actual)).toEqual(comparable(expected));
    return actual;
  }

  /** Share ids keep counting across reset(). */
  const comparable = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null).replace(/urn:li:share:\d+/g, 'urn:li:share:<id>'));

  it('verifyOrganization and verifyEmployee (self, another member, a role filter)', async () => {
    const result = await same(async (p) => [
      await p.verifyOrganization(1001),
      await p.verifyOrganization(1002),
      await p.verifyEmployee(1003),
      await p.verifyEmployee(1001, { memberUrn: 'urn:li:person:sbxMember1', roles: ['ANALYST'] }),
    ]);
    expect(result[0]).toEqual({ organizationUrn: 'urn:li:organization:1001', memberUrn: 'urn:li:person:sbxMember1', verified: true, roles: ['ADMINISTRATOR:APPROVED'] });
    expect(result[3]).toMatchObject({ verified: false, approvedRoles: [] });
  });

  it('organization, createPost (update and article), postsByAuthor, shareStatistics', async () => {
    const [profile, update, article, listed, stats] = await same(async (p) => [
      await p.organization(1001),
      await p.createPost({ author: 'urn:li:organization:1001', commentary: 'Same either way' }),
      await p.createPost({ author: 'urn:li:organization:1001', commentary: 'An article', article: { source: 'https://junction.example/a', title: 'A' } }),
      await p.postsByAuthor('urn:li:organization:1001', { count: 5 }),
      await p.shareStatistics(1001, { start: Date.UTC(2025, 0, 1), end: Date.UTC(2025, 0, 8), granularity: 'DAY' }),
    ]);
    expect(profile).toMatchObject({ id: 1001, localizedName: 'Junction Sandbox Co' });
    expect(update).toEqual({ urn: expect.stringMatching(/^urn:li:share:/) });
    expect(article).toEqual({ urn: expect.stringMatching(/^urn:li:share:/) });
    expect((listed as { posts: unknown[] }).posts).toHaveLength(2);
    expect(stats).toMatchObject({ timeBound: false, elements: [{ totals: { shareCount: 2 } }] });
  });

  it('keeps every REST failure: class, status, operation label and message (forbidden, validation, auth, rate limit until midnight)', async () => {
    const pairs: Array<[string, (p: LinkedInPort) => Promise<unknown>, () => void]> = [
      ['forbidden', (p) => p.createPost({ author: 'urn:li:organization:1002', commentary: 'Not mine' }), () => undefined],
      ['validation', (p) => p.createPost({ author: 'urn:li:organization:1001', commentary: 'x', article: { source: 'https://e.x', title: 'x'.repeat(401) } }), () => undefined],
      ['auth', (p) => p.organization(1001), () => void (token = 'AQV-refused-token-value')],
      ['rate_limit', (p) => p.verifyEmployee(1001, { memberUrn: 'urn:li:person:sbxMember2' }), () => sandbox.faults.set({ failNext: { count: 1, status: 429 } })],
    ];
    for (const [errorClass, script, arrange] of pairs) {
      reset();
      arrange();
      const fromRest = await failure(script(rest));
      reset();
      arrange();
      const fromMcp = await failure(script(viaMcp));
      expect(fromMcp).toMatchObject({ errorClass, provider: 'linkedin', status: fromRest.status, operation: fromRest.operation, retryable: fromRest.retryable, retryAfterMs: fromRest.retryAfterMs });
      expect(fromMcp.message).toBe(fromRest.message);
    }
    sandbox.faults.set({});
  });

  it('a sunset LinkedIn-Version comes back as LinkedInVersionSunsetError with the version the server sent', async () => {
    reset();
    const stale = await overMcp(new LinkedInClient({ baseUrl: sandbox.url, version: '202306', token: async () => token, timeoutMs: 2_000, now: () => clock }));
    const error = await failure(stale.verifyOrganization(1001));
    expect(error).toBeInstanceOf(LinkedInVersionSunsetError);
    expect(error).toMatchObject({ version: '202306', status: 426, errorClass: 'client', operation: 'organizationAcls' });
  });
});

describe('LinkedInMcpClient reading results (fake callTool)', () => {
  const fake = (result: McpToolResult | (() => Promise<McpToolResult>)) => fakeCallTool<LinkedInCallOptions>(result);

  it('sends flat snake_case arguments to the mapped (or overridden) tool, with the call options', async () => {
    const { calls, callTool } = fake({ content: [], structuredContent: { urn: 'urn:li:share:1' } });
    const signal = new AbortController().signal;
    const client = new LinkedInMcpClient({ callTool, tools: { shareArticle: 'linkedin_share' } });
    await client.createPost({ author: 'urn:li:organization:1', commentary: 'c', lifecycleState: 'DRAFT' }, { signal, headersTimeout: 500 });
    await client.createPost({ author: 'urn:li:organization:1', commentary: 'c', article: { source: 'https://x', title: 't' } });
    expect(calls).toEqual([
      { name: 'post_company_update', args: { author: 'urn:li:organization:1', commentary: 'c', lifecycle_state: 'DRAFT' }, options: { signal, headersTimeout: 500 } },
      { name: 'linkedin_share', args: { author: 'urn:li:organization:1', commentary: 'c', article: { source: 'https://x', title: 't' } }, options: {} },
    ]);
  });

  it('falls back to the JSON text block when there is no structuredContent, and drops fields the port does not have', async () => {
    const body = { organizationUrn: 'urn:li:organization:1', memberUrn: null, verified: false, roles: [], extra: 'ignored' };
    const { callTool } = fake({ content: [text(JSON.stringify(body))] });
    await expect(new LinkedInMcpClient({ callTool }).verifyOrganization(1)).resolves.toEqual({ organizationUrn: 'urn:li:organization:1', memberUrn: null, verified: false, roles: [] });
  });

  it.each([
    [{ httpStatus: 404 }, 'not_found', 404],
    [{ httpStatus: 422 }, 'validation', 422],
    [{ httpStatus: 401 }, 'auth', 401],
    [{ httpStatus: 403 }, 'forbidden', 403],
    [{ httpStatus: 502 }, 'server', 502],
    [{ errorClass: 'timeout' }, 'timeout', undefined],
    [{ errorClass: 'no-such-class', httpStatus: 409 }, 'conflict', 409],
  ])('classifies an error result from _meta %j as %s', async (meta, errorClass, status) => {
    const { callTool } = fake({ isError: true, content: [text('boom')], _meta: meta });
    const error = await failure(new LinkedInMcpClient({ callTool }).organization(7));
    expect(error).toMatchObject({ errorClass, status, provider: 'linkedin', operation: 'organization' });
    expect(error.message).toBe(`LinkedIn organization failed (MCP get_organization_profile${status ? ` ${status}` : ''}): boom`);
  });

  it.each([
    ['Organization 7 not found', 'not_found'],
    ['MCP error -32602: Input validation error: Invalid arguments for tool get_organization_profile', 'validation'],
    ['MCP error -32602: Tool get_organization_profile not found', 'client'],
    ['Resource level throttle MEMBER DAY limit reached', 'rate_limit'],
    ['ACCESS_DENIED', 'forbidden'],
    ['something odd happened', 'client'],
  ])('classifies an error result without _meta from its text %j as %s', async (message, errorClass) => {
    const { callTool } = fake({ isError: true, content: [text(message)] });
    expect(await failure(new LinkedInMcpClient({ callTool }).organization(7))).toMatchObject({ errorClass, status: undefined });
  });

  it.each<[string, McpToolResult]>([
    ['no structured output and no JSON text', { content: [text('ok')] }],
    ['the expected field missing', { content: [], structuredContent: { profile: { id: 1 } } }],
    ['a field of the wrong type', { content: [], structuredContent: { organization: { id: '1', urn: 'u', localizedName: 'n' } } }],
  ])('a malformed result (%s) is a permanent client error', async (_label, result) => {
    const { callTool } = fake(result);
    expect(await failure(new LinkedInMcpClient({ callTool }).organization(7))).toMatchObject({
      errorClass: 'client',
      retryable: false,
      message: 'LinkedIn organization returned an unexpected MCP tool result',
    });
  });

  it('classifies a call that threw: timeout, closed connection, libs/mcp’s errors re-labelled for LinkedIn; a LinkedIn IntegrationError passes through', async () => {
    const timedOut = fake(() => Promise.reject(new McpError(ErrorCode.RequestTimeout, 'Request timed out')));
    expect(await failure(new LinkedInMcpClient(timedOut).verifyOrganization(1))).toMatchObject({ errorClass: 'timeout', retryable: true, operation: 'organizationAcls', provider: 'linkedin' });
    const closed = fake(() => Promise.reject(new McpError(ErrorCode.ConnectionClosed, 'Connection closed')));
    expect(await failure(new LinkedInMcpClient(closed).createPost({ author: 'urn:li:organization:1', commentary: 'c' }))).toMatchObject({ errorClass: 'network', operation: 'createPost' });

    // What McpClient throws (provider "mcp", an MCP code): the class is kept, a tool the server lacks is our misconfiguration.
    const unreachable = Object.assign(new IntegrationError('network', 'MCP node initialize: could not start', { provider: 'mcp', operation: 'initialize' }), { code: 'MCP_UNREACHABLE' });
    expect(await failure(new LinkedInMcpClient(fake(() => Promise.reject(unreachable))).organization(1))).toMatchObject({
      errorClass: 'network',
      provider: 'linkedin',
      operation: 'organization',
      message: 'LinkedIn organization failed (MCP get_organization_profile, network): MCP node initialize: could not start',
    });
    const missing = Object.assign(new IntegrationError('not_found', 'MCP node tools/call x: the server lists no tool named x', { provider: 'mcp', operation: 'tools/call x' }), { code: 'MCP_TOOL_NOT_FOUND' });
    expect(await failure(new LinkedInMcpClient(fake(() => Promise.reject(missing))).organization(1))).toMatchObject({ errorClass: 'client', retryable: false });

    const own = new IntegrationError('circuit_open', 'open', { provider: 'linkedin', operation: 'x' });
    await expect(new LinkedInMcpClient(fake(() => Promise.reject(own))).organization(1)).rejects.toBe(own);
  });
});
