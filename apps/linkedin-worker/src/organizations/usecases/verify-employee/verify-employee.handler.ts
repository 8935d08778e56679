import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { organizationUrn, type LinkedInOrganizationAcl } from '@junction/connectors/linkedin';
import { CommandStep } from '@junction/messaging';
import { LinkedInCalls, organizationOf } from '../../../linkedin/linkedin-calls';
import { LinkedInConnections } from '../../../linkedin/linkedin-connections';

type VerifyCommand = MessageOf<'linkedin.employee.verify'>;

/**
 * linkedin.employee.verify → whether a member holds an APPROVED page role on the organization (the contract explains
 * why that, and not employment, is what LinkedIn can prove). The connection's own member: `q=roleAssignee`; another
 * member (`memberUrn`): the organization's role list (`q=organization`, admins only). A read.
 */
@Injectable()
export class VerifyEmployeeHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly linkedin: LinkedInConnections,
    private readonly calls: LinkedInCalls,
  ) {}

  async execute(command: VerifyCommand): Promise<void> {
    const { memberUrn, roles } = command.payload;
    await this.commands.run(command, {
      provider: 'linkedin',
      operation: 'employee.verify',
      naturalKey: `${command.payload.organizationId ?? 'default'}:${memberUrn ?? 'self'}`,
      effect: async ({ signal }) => {
        const target = await this.linkedin.forCommand(command);
        const id = organizationOf(command.payload.organizationId, target, 'employee.verify');
        const urn = organizationUrn(id);
        let acls: LinkedInOrganizationAcl[];
        let member: string | null;
        if (memberUrn) {
          const all = await this.calls.run(command, target, 'organizationRoleAssignees', signal, (o) => target.client.organizationRoleAssignees(id, {}, o));
          acls = all.filter((a) => a.roleAssignee === memberUrn);
          member = memberUrn;
        } else {
          const all = await this.calls.run(command, target, 'organizationAcls', signal, (o) => target.client.organizationAcls({}, o));
          acls = all.filter((a) => a.organization === urn);
          member = all[0]?.roleAssignee ?? null;
        }
        const counted = acls.filter((a) => !roles || (roles as readonly string[]).includes(a.role));
        const approved = counted.filter((a) => a.state === 'APPROVED').map((a) => a.role);
        const pending = counted.filter((a) => a.state !== 'APPROVED').map((a) => `${a.role}:${a.state}`);
        return { urn, member, approved, pending };
      },
      succeeded: (r) => ({
        commandId: command.id,
        organizationUrn: r.urn,
        memberUrn: r.member,
        verified: r.approved.length > 0,
        evidence: 'organization_role' as const,
        approvedRoles: r.approved,
        pendingRoles: r.pending,
      }),
      ledger: (r) => ({ outcome: 'read', externalRef: r.member }),
    });
  }
}
