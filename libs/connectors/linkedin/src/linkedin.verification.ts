/**
 * What a member's role assignments prove. LinkedIn cannot prove employment: an APPROVED page role on the organization
 * is the evidence it offers (the contract of linkedin.employee.verify explains why).
 */
import type { LinkedInEmployeeVerification, LinkedInOrganizationAcl, LinkedInOrganizationVerification } from './linkedin.types';

/** `acls`: every role assignment of the token's member (any organization), as `q=roleAssignee` lists them. */
export function organizationVerdict(organizationUrn: string, acls: readonly LinkedInOrganizationAcl[]): LinkedInOrganizationVerification {
  const mine = acls.filter((a) => a.organization === organizationUrn);
  return {
    organizationUrn,
    memberUrn: acls[0]?.roleAssignee ?? null,
    verified: mine.some((a) => a.role === 'ADMINISTRATOR' && a.state === 'APPROVED'),
    roles: mine.map((a) => `${a.role}:${a.state}`),
  };
}

/** `acls`: the member's role assignments on the organization. */
export function employeeVerdict(organizationUrn: string, memberUrn: string | null, acls: readonly LinkedInOrganizationAcl[], roles?: readonly string[]): LinkedInEmployeeVerification {
  const counted = acls.filter((a) => !roles || roles.includes(a.role));
  const approvedRoles = counted.filter((a) => a.state === 'APPROVED').map((a) => a.role);
  const pendingRoles = counted.filter((a) => a.state !== 'APPROVED').map((a) => `${a.role}:${a.state}`);
  return { organizationUrn, memberUrn, verified: approvedRoles.length > 0, approvedRoles, pendingRoles };
}
