/**
 * LinkedInPort over a LinkedIn MCP server: each port method is one `tools/call`. The MCP session is the caller's
 * (`callTool` is a plain function: linkedin-worker passes a pooled McpClient's `callToolResult`), so this adapter
 * depends on no MCP client (only on libs/mcp's result readers) and fakes trivially.
 *
 * Results and failures come back exactly as LinkedInClient gives them: the same shapes, and IntegrationErrors with
 * the same classes, statuses and operation labels (a sunset LinkedIn-Version is a LinkedInVersionSunsetError again),
 * so the resilience pipeline and the settlement policy cannot tell the two transports apart.
 */
import { z } from 'zod';
import { callFailureError, isRecord, malformedToolResult, structuredOutput, toolResultError, withoutUndefined, type McpToolResult, type ProviderMcpCall, type ProviderMcpFrame } from '@junction/mcp';
import type { IntegrationError } from '@junction/resilience';
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
import { LINKEDIN_MCP_OUTPUTS as OUT, LINKEDIN_MCP_TOOLS, type LinkedInMcpInput, type LinkedInMcpTool, type LinkedInMcpToolMap } from './linkedin-mcp.tools';

const FRAME: ProviderMcpFrame = { provider: PROVIDER, label: 'LinkedIn' };

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
    const call: ProviderMcpCall = { ...FRAME, tool, operation };
    let result: McpToolResult;
    try {
      result = await this.callTool(tool, args, options);
    } catch (error) {
      throw callFailureError(error, call);
    }
    if (!isRecord(result)) throw malformedToolResult(FRAME, operation);
    if (result.isError === true) throw toolError(result, call);
    const parsed = OUTPUTS[method].safeParse(structuredOutput(result));
    if (!parsed.success) throw malformedToolResult(FRAME, operation);
    return parsed.data as Output<K>;
  }
}

/** A sunset LinkedIn-Version (426) is LinkedInVersionSunsetError, as LinkedInClient throws it. */
function toolError(result: McpToolResult, call: ProviderMcpCall): IntegrationError {
  const error = toolResultError(result, call);
  if (error.status !== 426) return error;
  const version = isRecord(result._meta) && typeof result._meta.linkedinVersion === 'string' ? result._meta.linkedinVersion : 'unknown';
  return new LinkedInVersionSunsetError(version, call.operation, error.message);
}
