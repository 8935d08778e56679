/**
 * LinkedInPort over a LinkedIn MCP server: each port method is one `tools/call`. The MCP session is the caller's
 * (`callTool` is a plain function: linkedin-worker passes a pooled McpClient's `callToolResult`), so this adapter
 * depends on no MCP client library and fakes trivially.
 *
 * Results and failures come back exactly as LinkedInClient gives them: the same shapes, and IntegrationErrors with
 * the same classes, statuses and operation labels (a sunset LinkedIn-Version is a LinkedInVersionSunsetError again),
 * so the resilience pipeline and the settlement policy cannot tell the two transports apart.
 */
import { z } from 'zod';
import { classifyHttpStatus, ErrorClasses, IntegrationError, type ErrorClass } from '@junction/resilience';
import { LinkedInVersionSunsetError, PROVIDER } from '../linkedin.errors';
import type { LinkedInPort } from '../linkedin.port';
import type {
  LinkedInCallOptions,
  LinkedInEmployeeQuery,
  LinkedInEmployeeVerification,
  LinkedInOrganizationProfile,
  LinkedInOrganizationVerification,
  LinkedInPostInput,
  LinkedInPostSummary,
  LinkedInShareStatisticsResult,
  LinkedInTimeframe,
} from '../linkedin.types';
import { classifyCallFailure, classifyToolErrorText } from './linkedin-mcp.errors';
import {
  LINKEDIN_MCP_OUTPUTS as OUT,
  LINKEDIN_MCP_TOOLS,
  type LinkedInMcpInput,
  type LinkedInMcpTool,
  type LinkedInMcpToolMap,
  type McpToolResult,
} from './linkedin-mcp.tools';

const MAX_MESSAGE = 500;

/** One `tools/call` on the caller's MCP session; `options` carries the attempt's timeout and abort signal. */
export type LinkedInMcpCallTool = (name: string, args: Record<string, unknown>, options: LinkedInCallOptions) => Promise<McpToolResult>;

export interface LinkedInMcpClientOptions {
  callTool: LinkedInMcpCallTool;
  /** Tool names of this connection's server, where they differ from LINKEDIN_MCP_TOOLS. */
  tools?: Partial<LinkedInMcpToolMap>;
}

const OUTPUTS = Object.fromEntries(Object.entries(OUT).map(([tool, shape]) => [tool, z.object(shape)])) as { [K in LinkedInMcpTool]: z.ZodObject<(typeof OUT)[K]> };
type Output<K extends LinkedInMcpTool> = z.infer<(typeof OUTPUTS)[K]>;

export class LinkedInMcpClient implements LinkedInPort {
  private readonly callTool: LinkedInMcpCallTool;
  private readonly tools: LinkedInMcpToolMap;

  constructor(options: LinkedInMcpClientOptions) {
    this.callTool = options.callTool;
    this.tools = { ...LINKEDIN_MCP_TOOLS, ...options.tools };
  }

  verifyOrganization(organizationId: number, options: LinkedInCallOptions = {}): Promise<LinkedInOrganizationVerification> {
    const args: LinkedInMcpInput<'verifyOrganization'> = { organization_id: organizationId };
    return this.call('verifyOrganization', 'organizationAcls', args, options);
  }

  verifyEmployee(organizationId: number, query: LinkedInEmployeeQuery = {}, options: LinkedInCallOptions = {}): Promise<LinkedInEmployeeVerification> {
    const args = withoutUndefined({ organization_id: organizationId, member_urn: query.memberUrn, roles: query.roles ? [...query.roles] : undefined });
    return this.call('verifyEmployee', query.memberUrn ? 'organizationRoleAssignees' : 'organizationAcls', args, options);
  }

  async organization(organizationId: number, options: LinkedInCallOptions = {}): Promise<LinkedInOrganizationProfile> {
    const args: LinkedInMcpInput<'organization'> = { organization_id: organizationId };
    return (await this.call('organization', 'organization', args, options)).organization;
  }

  async createPost(input: LinkedInPostInput, options: LinkedInCallOptions = {}): Promise<{ urn: string }> {
    const common = withoutUndefined({
      author: input.author,
      commentary: input.commentary,
      visibility: input.visibility,
      lifecycle_state: input.lifecycleState,
      feed_distribution: input.feedDistribution,
    });
    const { urn } = input.article
      ? await this.call('shareArticle', 'shareArticle', { ...common, article: withoutUndefined({ ...input.article }) }, options)
      : await this.call('createPost', 'createPost', common, options);
    return { urn };
  }

  async postsByAuthor(author: string, page: { start?: number; count?: number } = {}, options: LinkedInCallOptions = {}): Promise<{ posts: LinkedInPostSummary[]; total?: number }> {
    // Sent explicitly so the page does not depend on the server's defaults.
    const args: LinkedInMcpInput<'postsByAuthor'> = { author, start: page.start ?? 0, count: page.count ?? 50 };
    const out = await this.call('postsByAuthor', 'postsByAuthor', args, options);
    return { posts: out.posts, ...(out.total !== undefined ? { total: out.total } : {}) };
  }

  shareStatistics(organizationId: number, timeframe?: LinkedInTimeframe, options: LinkedInCallOptions = {}): Promise<LinkedInShareStatisticsResult> {
    const args: LinkedInMcpInput<'shareStatistics'> = timeframe
      ? { organization_id: organizationId, time_range: { start: Math.trunc(timeframe.start), end: Math.trunc(timeframe.end) }, granularity: timeframe.granularity ?? 'DAY' }
      : { organization_id: organizationId };
    return this.call('shareStatistics', 'shareStatistics', args, options);
  }

  /** One tool call → its structured output, shape-checked; every failure (thrown or in-band) leaves as an IntegrationError. */
  private async call<K extends LinkedInMcpTool>(method: K, operation: string, args: Record<string, unknown>, options: LinkedInCallOptions): Promise<Output<K>> {
    const tool = this.tools[method];
    let result: McpToolResult;
    try {
      result = await this.callTool(tool, args, options);
    } catch (error) {
      if (error instanceof IntegrationError && error.provider === PROVIDER) throw error;
      const { errorClass, detail, status, retryAfterMs } = classifyCallFailure(error);
      throw new IntegrationError(errorClass, `LinkedIn ${operation} failed (MCP ${tool}, ${errorClass}): ${detail}`.slice(0, MAX_MESSAGE), {
        provider: PROVIDER,
        operation,
        status,
        retryAfterMs,
        cause: error,
      });
    }
    if (!isRecord(result)) throw malformed(operation);
    if (result.isError === true) throw toolError(result, tool, operation);
    const parsed = OUTPUTS[method].safeParse(structured(result));
    if (!parsed.success) throw malformed(operation);
    return parsed.data as Output<K>;
  }
}

/** `structuredContent`, else the first text block parsed as JSON (servers without structured output). */
function structured(result: McpToolResult): unknown {
  if (isRecord(result.structuredContent)) return result.structuredContent;
  const text = firstText(result);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toolError(result: McpToolResult, tool: string, operation: string): IntegrationError {
  const meta = isRecord(result._meta) ? result._meta : {};
  const status = typeof meta.httpStatus === 'number' ? meta.httpStatus : undefined;
  const text = firstText(result)?.trim() || 'no message';
  // Our server's messages already read "LinkedIn <operation> failed (…): …"; anyone else's get that frame.
  const message = (text.startsWith('LinkedIn ') ? text : `LinkedIn ${operation} failed (MCP ${tool}${status ? ` ${status}` : ''}): ${text}`).slice(0, MAX_MESSAGE);
  if (status === 426) return new LinkedInVersionSunsetError(typeof meta.linkedinVersion === 'string' ? meta.linkedinVersion : 'unknown', operation, message);
  const errorClass: ErrorClass =
    typeof meta.errorClass === 'string' && meta.errorClass in ErrorClasses
      ? (meta.errorClass as ErrorClass)
      : status !== undefined
        ? classifyHttpStatus(status)
        : classifyToolErrorText(text);
  const retryAfterMs = typeof meta.retryAfterMs === 'number' && meta.retryAfterMs >= 0 ? meta.retryAfterMs : undefined;
  return new IntegrationError(errorClass, message, { provider: PROVIDER, operation, status, retryAfterMs });
}

/**
 * A result that breaks the tool contract is `client` (permanent), as LinkedInClient classifies a 2xx body it cannot
 * read: retrying will not change what the server sends.
 */
function malformed(operation: string): IntegrationError {
  return new IntegrationError('client', `LinkedIn ${operation} returned an unexpected MCP tool result`, { provider: PROVIDER, operation });
}

function firstText(result: McpToolResult): string | undefined {
  const block = Array.isArray(result.content) ? result.content.find((c) => isRecord(c) && c.type === 'text' && typeof c.text === 'string') : undefined;
  return block ? String((block as { text: string }).text) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
