/**
 * The contract a LinkedIn MCP server and Junction's MCP adapter share: the tool each LinkedInPort method maps to,
 * the tools' arguments (flat, snake_case) and their structured results (the port's own result types, verbatim, so
 * the adapter only checks their shape).
 *
 * Tool names follow the integration spec (verify_organization, verify_employee, get_organization_profile,
 * post_company_update, share_article, get_post_analytics); get_posts_by_author is ours (the spec has no tool for the
 * look-up a repeated publish needs). Renaming a default breaks every connection relying on it: override per
 * connection (`tools`) instead.
 */
import { z } from 'zod';
import type { ProviderMcpErrorMeta } from '@junction/mcp';
import type { LinkedInPort } from '../linkedin.port';

/** Port method → tool name (createPost is two tools: an article share or a plain company update). */
export const LINKEDIN_MCP_TOOLS = {
  verifyOrganization: 'verify_organization',
  verifyEmployee: 'verify_employee',
  organization: 'get_organization_profile',
  createPost: 'post_company_update',
  shareArticle: 'share_article',
  postsByAuthor: 'get_posts_by_author',
  shareStatistics: 'get_post_analytics',
} as const satisfies Record<keyof LinkedInPort | 'shareArticle', string>;

export type LinkedInMcpTool = keyof typeof LINKEDIN_MCP_TOOLS;
export type LinkedInMcpToolMap = Record<LinkedInMcpTool, string>;

/** A `tools/call` result as the adapter reads it (libs/mcp's, shared by the provider adapters). */
export type { McpToolResult } from '@junction/mcp';

/** `_meta` of an error result: how the server classified the failure, so the adapter need not guess from text. */
export interface LinkedInMcpErrorMeta extends ProviderMcpErrorMeta {
  /** With httpStatus 426: the LinkedIn-Version the server sent (sunset). */
  linkedinVersion?: string;
}

const organizationId = z.number().int().positive().describe('N of urn:li:organization:N');
const author = z
  .string()
  .regex(/^urn:li:(organization|person):[A-Za-z0-9_-]+$/)
  .describe('urn:li:organization:N (a company update) or urn:li:person:ID');
const role = z.enum(['ADMINISTRATOR', 'CONTENT_ADMINISTRATOR', 'DIRECT_SPONSORED_CONTENT_POSTER', 'ANALYST', 'RECRUITING_POSTER', 'LEAD_GEN_FORMS_MANAGER']);
// Lengths are LinkedIn's to check (it answers 422 naming the field): a tighter schema here would answer differently than REST.
const post = {
  author,
  commentary: z.string().describe('the post text (LinkedIn "little text" format)'),
  visibility: z.enum(['PUBLIC', 'CONNECTIONS', 'LOGGED_IN', 'CONTAINER']).optional().describe('default PUBLIC'),
  lifecycle_state: z.enum(['PUBLISHED', 'DRAFT']).optional().describe('default PUBLISHED'),
  feed_distribution: z.enum(['MAIN_FEED', 'NONE']).optional().describe('default MAIN_FEED'),
};

/** zod raw shapes of each tool's arguments (the server validates them; the adapter's arguments are typed by them). */
export const LINKEDIN_MCP_INPUTS = {
  verifyOrganization: { organization_id: organizationId },
  verifyEmployee: {
    organization_id: organizationId,
    member_urn: z
      .string()
      .regex(/^urn:li:person:[A-Za-z0-9_-]+$/)
      .optional()
      .describe("another member (read from the organization's role list: the token's member must administer it); absent: the token's member"),
    roles: z.array(role).min(1).optional().describe('only these roles count (absent: any page role)'),
  },
  organization: { organization_id: organizationId },
  createPost: post,
  shareArticle: {
    ...post,
    article: z.object({ source: z.string().describe('the shared URL'), title: z.string(), description: z.string().optional() }),
  },
  postsByAuthor: {
    author,
    start: z.number().int().min(0).optional(),
    count: z.number().int().min(1).max(100).optional().describe('default 50'),
  },
  shareStatistics: {
    organization_id: organizationId,
    time_range: z
      .object({ start: z.number().int().min(0).describe('epoch ms, inclusive'), end: z.number().int().min(0).describe('epoch ms, exclusive') })
      .optional()
      .describe('absent: lifetime totals'),
    granularity: z.enum(['DAY', 'MONTH']).optional().describe('with time_range; default DAY'),
  },
} as const satisfies Record<LinkedInMcpTool, z.ZodRawShape>;

type Inputs = typeof LINKEDIN_MCP_INPUTS;
export type LinkedInMcpInput<K extends LinkedInMcpTool> = z.infer<z.ZodObject<Inputs[K]>>;

const statistics = z.object({
  uniqueImpressionsCount: z.number(),
  shareCount: z.number(),
  shareMentionsCount: z.number(),
  engagement: z.number(),
  clickCount: z.number(),
  likeCount: z.number(),
  impressionCount: z.number(),
  commentMentionsCount: z.number(),
  commentCount: z.number(),
});
const created = { urn: z.string().min(1) };

/** zod raw shapes of each tool's `structuredContent`: the port's result types. */
export const LINKEDIN_MCP_OUTPUTS = {
  verifyOrganization: { organizationUrn: z.string(), memberUrn: z.string().nullable(), verified: z.boolean(), roles: z.array(z.string()) },
  verifyEmployee: {
    organizationUrn: z.string(),
    memberUrn: z.string().nullable(),
    verified: z.boolean(),
    approvedRoles: z.array(z.string()),
    pendingRoles: z.array(z.string()),
  },
  organization: {
    organization: z.object({
      id: z.number(),
      urn: z.string(),
      localizedName: z.string(),
      vanityName: z.string().optional(),
      localizedWebsite: z.string().optional(),
      primaryOrganizationType: z.string().optional(),
    }),
  },
  createPost: created,
  shareArticle: created,
  postsByAuthor: {
    posts: z.array(
      z.object({
        urn: z.string(),
        author: z.string(),
        commentary: z.string(),
        lifecycleState: z.string(),
        createdAt: z.number().optional(),
        lastModifiedAt: z.number().optional(),
        articleSource: z.string().optional(),
      }),
    ),
    total: z.number().optional(),
  },
  shareStatistics: {
    elements: z.array(z.object({ timeRange: z.object({ start: z.number(), end: z.number() }).optional(), totals: statistics })),
    timeBound: z.boolean(),
  },
} as const satisfies Record<LinkedInMcpTool, z.ZodRawShape>;
