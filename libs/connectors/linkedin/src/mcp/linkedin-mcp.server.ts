/**
 * A LinkedIn MCP server: LinkedInPort (the Marketing API through LinkedInClient, so every failure is already
 * classified and redacted) as the spec's MCP tools. The sandbox peer of the MCP adapter, and able to wrap LinkedIn
 * itself: the server holds the member's token, its callers never see it.
 *
 * One McpServer per MCP session: the SDK's server binds to exactly one transport. Build as many as needed over the
 * same port.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { IntegrationError } from '@junction/resilience';
import { LinkedInVersionSunsetError } from '../linkedin.errors';
import type { LinkedInPort } from '../linkedin.port';
import type { LinkedInCallOptions, LinkedInPostInput } from '../linkedin.types';
import {
  LINKEDIN_MCP_INPUTS as IN,
  LINKEDIN_MCP_OUTPUTS as OUT,
  LINKEDIN_MCP_TOOLS,
  type LinkedInMcpErrorMeta,
  type LinkedInMcpInput,
  type LinkedInMcpToolMap,
} from './linkedin-mcp.tools';

export interface LinkedInMcpServerOptions {
  /** Tool names other than the defaults (LINKEDIN_MCP_TOOLS). */
  tools?: Partial<LinkedInMcpToolMap>;
  /** Reported in `initialize` (serverInfo). */
  name?: string;
  version?: string;
}

// LinkedIn is an open world: what these tools read and write is public to other members.
const READ: ToolAnnotations = { readOnlyHint: true, idempotentHint: true, openWorldHint: true };
/** A repeat publishes a second post: LinkedIn's Posts API takes no idempotency key. */
const PUBLISH: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true };

/** Structured output plus the same JSON as text, for clients that ignore structuredContent. */
function success(structured: object): CallToolResult {
  return { structuredContent: structured as Record<string, unknown>, content: [{ type: 'text', text: JSON.stringify(structured) }] };
}

/**
 * The failure as a tool result (MCP reports tool failures in-band), classified in `_meta`. Only an IntegrationError's
 * message leaves: LinkedInClient built it from LinkedIn's answer and redacted the token. Anything else is a bug
 * here, and its message is not echoed.
 */
function failure(tool: string, error: unknown): CallToolResult {
  const meta: LinkedInMcpErrorMeta =
    error instanceof IntegrationError
      ? {
          httpStatus: error.status,
          errorClass: error.errorClass,
          ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
          ...(error instanceof LinkedInVersionSunsetError ? { linkedinVersion: error.version } : {}),
        }
      : { errorClass: 'client' };
  const text = error instanceof IntegrationError ? error.message : `LinkedIn MCP tool ${tool} failed unexpectedly`;
  return { isError: true, content: [{ type: 'text', text }], _meta: { ...meta } };
}

async function run(tool: string, call: () => Promise<object>): Promise<CallToolResult> {
  try {
    return success(await call());
  } catch (error) {
    return failure(tool, error);
  }
}

/** The request's cancellation reaches LinkedIn: a client that gave up does not leave the call running. */
const callOptions = (extra: { signal: AbortSignal }): LinkedInCallOptions => ({ signal: extra.signal });

function postInput(a: LinkedInMcpInput<'createPost'> | LinkedInMcpInput<'shareArticle'>): LinkedInPostInput {
  return {
    author: a.author,
    commentary: a.commentary,
    ...(a.visibility ? { visibility: a.visibility } : {}),
    ...(a.lifecycle_state ? { lifecycleState: a.lifecycle_state } : {}),
    ...(a.feed_distribution ? { feedDistribution: a.feed_distribution } : {}),
    ...('article' in a && a.article ? { article: a.article } : {}),
  };
}

export function createLinkedInMcpServer(linkedin: LinkedInPort, options: LinkedInMcpServerOptions = {}): McpServer {
  const t = { ...LINKEDIN_MCP_TOOLS, ...options.tools };
  const server = new McpServer({ name: options.name ?? 'linkedin-mcp', version: options.version ?? '0.1.0' }, { capabilities: { tools: {} } });

  server.registerTool(
    t.verifyOrganization,
    {
      title: 'Verify organization',
      description: "Whether the token's member administers the organization (an APPROVED ADMINISTRATOR page role), with its roles there.",
      inputSchema: IN.verifyOrganization,
      outputSchema: OUT.verifyOrganization,
      annotations: READ,
    },
    (a, extra) => run(t.verifyOrganization, () => linkedin.verifyOrganization(a.organization_id, callOptions(extra))),
  );
  server.registerTool(
    t.verifyEmployee,
    {
      title: 'Verify employee',
      description: 'Whether a member holds an APPROVED page role on the organization (the evidence LinkedIn offers; it cannot prove employment).',
      inputSchema: IN.verifyEmployee,
      outputSchema: OUT.verifyEmployee,
      annotations: READ,
    },
    (a, extra) => run(t.verifyEmployee, () => linkedin.verifyEmployee(a.organization_id, { memberUrn: a.member_urn, roles: a.roles }, callOptions(extra))),
  );
  server.registerTool(
    t.organization,
    { title: 'Organization profile', description: "The organization's page: name, vanity name, website, type.", inputSchema: IN.organization, outputSchema: OUT.organization, annotations: READ },
    (a, extra) => run(t.organization, async () => ({ organization: await linkedin.organization(a.organization_id, callOptions(extra)) })),
  );
  server.registerTool(
    t.createPost,
    {
      title: 'Post company update',
      description: 'Publishes a text post as the author (an organization page the member may post for). Not idempotent: look up by author before repeating.',
      inputSchema: IN.createPost,
      outputSchema: OUT.createPost,
      annotations: PUBLISH,
    },
    (a, extra) => run(t.createPost, () => linkedin.createPost(postInput(a), callOptions(extra))),
  );
  server.registerTool(
    t.shareArticle,
    { title: 'Share article', description: 'Publishes a post sharing an article link (content.article). Not idempotent.', inputSchema: IN.shareArticle, outputSchema: OUT.shareArticle, annotations: PUBLISH },
    (a, extra) => run(t.shareArticle, () => linkedin.createPost(postInput(a), callOptions(extra))),
  );
  server.registerTool(
    t.postsByAuthor,
    { title: 'Posts by author', description: "The author's posts, newest first, one page (start, count).", inputSchema: IN.postsByAuthor, outputSchema: OUT.postsByAuthor, annotations: READ },
    (a, extra) => run(t.postsByAuthor, () => linkedin.postsByAuthor(a.author, { start: a.start, count: a.count }, callOptions(extra))),
  );
  server.registerTool(
    t.shareStatistics,
    {
      title: 'Post analytics',
      description:
        "The organization's share statistics (impressions, clicks, likes, comments, shares, engagement): lifetime, or one element per DAY/MONTH in time_range. timeBound false: LinkedIn answered lifetime totals.",
      inputSchema: IN.shareStatistics,
      outputSchema: OUT.shareStatistics,
      annotations: READ,
    },
    (a, extra) =>
      run(t.shareStatistics, () =>
        linkedin.shareStatistics(
          a.organization_id,
          a.time_range ? { start: a.time_range.start, end: a.time_range.end, ...(a.granularity ? { granularity: a.granularity } : {}) } : undefined,
          callOptions(extra),
        ),
      ),
  );
  return server;
}
