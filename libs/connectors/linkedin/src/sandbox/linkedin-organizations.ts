/** Seed data: members, the organizations they have roles on, and each organization's page. */
export type OrganizationRole = 'ADMINISTRATOR' | 'CONTENT_ADMINISTRATOR' | 'DIRECT_SPONSORED_CONTENT_POSTER' | 'ANALYST' | 'RECRUITING_POSTER' | 'LEAD_GEN_FORMS_MANAGER';
export type AclState = 'APPROVED' | 'REQUESTED' | 'REJECTED' | 'REVOKED';

export interface LinkedInMember {
  /** The person id in `urn:li:person:{id}` (and the OpenID Connect `sub`). */
  id: string;
  /** Display name (OpenID Connect userinfo `name`). */
  name?: string;
  email?: string;
  acls: { organizationId: number; role: OrganizationRole; state: AclState }[];
}

export interface LinkedInOrganization {
  id: number;
  localizedName: string;
  vanityName: string;
  localizedWebsite?: string;
}

export interface ShareStatistics {
  uniqueImpressionsCount: number;
  shareCount: number;
  shareMentionsCount: number;
  engagement: number;
  clickCount: number;
  likeCount: number;
  impressionCount: number;
  commentMentionsCount: number;
  commentCount: number;
}

export const DEFAULT_MEMBERS: readonly LinkedInMember[] = [
  {
    id: 'sbxMember1',
    name: 'Sandra Sandbox',
    email: 'sandra@junction.example',
    acls: [
      { organizationId: 1001, role: 'ADMINISTRATOR', state: 'APPROVED' },
      { organizationId: 1002, role: 'ANALYST', state: 'APPROVED' },
      { organizationId: 1003, role: 'ADMINISTRATOR', state: 'REQUESTED' },
    ],
  },
  { id: 'sbxMember2', name: 'Sam Second', email: 'sam@junction.example', acls: [{ organizationId: 1002, role: 'ADMINISTRATOR', state: 'APPROVED' }] },
];

export const DEFAULT_ORGANIZATIONS: readonly LinkedInOrganization[] = [
  { id: 1001, localizedName: 'Junction Sandbox Co', vanityName: 'junction-sandbox', localizedWebsite: 'https://junction.example' },
  { id: 1002, localizedName: 'Other Sandbox Org', vanityName: 'other-sandbox' },
  { id: 1003, localizedName: 'Pending Sandbox Org', vanityName: 'pending-sandbox' },
];

/** Roles that may publish as the organization, and roles that may read its analytics. */
export const POSTING_ROLES: readonly OrganizationRole[] = ['ADMINISTRATOR', 'CONTENT_ADMINISTRATOR', 'DIRECT_SPONSORED_CONTENT_POSTER'];
export const ANALYTICS_ROLES: readonly OrganizationRole[] = ['ADMINISTRATOR', 'CONTENT_ADMINISTRATOR', 'ANALYST'];

export function hasRole(member: LinkedInMember | undefined, organizationId: number, roles: readonly OrganizationRole[]): boolean {
  return !!member?.acls.some((a) => a.organizationId === organizationId && a.state === 'APPROVED' && roles.includes(a.role));
}

export const personUrn = (id: string) => `urn:li:person:${id}`;
export const organizationUrn = (id: number) => `urn:li:organization:${id}`;
export const ORGANIZATION_URN = /^urn:li:organization:(\d+)$/;

export function organizationBody(org: LinkedInOrganization) {
  return {
    id: org.id,
    $URN: organizationUrn(org.id),
    localizedName: org.localizedName,
    name: { localized: { en_US: org.localizedName }, preferredLocale: { country: 'US', language: 'en' } },
    vanityName: org.vanityName,
    ...(org.localizedWebsite ? { localizedWebsite: org.localizedWebsite } : {}),
    primaryOrganizationType: 'NONE',
    locations: [],
  };
}

export function emptyStatistics(): ShareStatistics {
  return {
    uniqueImpressionsCount: 0,
    shareCount: 0,
    shareMentionsCount: 0,
    engagement: 0,
    clickCount: 0,
    likeCount: 0,
    impressionCount: 0,
    commentMentionsCount: 0,
    commentCount: 0,
  };
}

/** Rest.li collection paging: `start` (default 0) and `count` (default 10). */
export function restliPage<T>(all: T[], params: URLSearchParams): { paging: { start: number; count: number; links: unknown[]; total: number }; elements: T[] } {
  const start = Math.max(0, Number(params.get('start') ?? 0) || 0);
  const count = Math.max(0, Number(params.get('count') ?? 10) || 10);
  return { paging: { start, count, links: [], total: all.length }, elements: all.slice(start, start + count) };
}
