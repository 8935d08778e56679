/**
 * What linkedin-worker needs from LinkedIn, whichever way a connection reaches it: the Marketing API (LinkedInClient,
 * `transport: rest`) or a LinkedIn MCP server's tools (LinkedInMcpClient, `transport: mcp`). Both return the same
 * shapes and classify every failure as the same IntegrationError (class, status, operation label), so the use cases,
 * the resilience pipeline and the settlement policy cannot tell the two apart.
 */
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
} from './linkedin.types';

export interface LinkedInPort {
  /** Failures are labelled `organizationAcls` (the call it makes). */
  verifyOrganization(organizationId: number, options?: LinkedInCallOptions): Promise<LinkedInOrganizationVerification>;
  /** Failures are labelled `organizationRoleAssignees` (another member) or `organizationAcls` (the token's member). */
  verifyEmployee(organizationId: number, query?: LinkedInEmployeeQuery, options?: LinkedInCallOptions): Promise<LinkedInEmployeeVerification>;
  organization(organizationId: number, options?: LinkedInCallOptions): Promise<LinkedInOrganizationProfile>;
  /** Not idempotent. Failures are labelled `shareArticle` when the input has an article, else `createPost`. */
  createPost(input: LinkedInPostInput, options?: LinkedInCallOptions): Promise<{ urn: string }>;
  postsByAuthor(author: string, page?: { start?: number; count?: number }, options?: LinkedInCallOptions): Promise<{ posts: LinkedInPostSummary[]; total?: number }>;
  shareStatistics(organizationId: number, timeframe?: LinkedInTimeframe, options?: LinkedInCallOptions): Promise<LinkedInShareStatisticsResult>;
}
