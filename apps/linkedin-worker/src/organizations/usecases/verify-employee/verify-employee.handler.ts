import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { CommandStep } from '@junction/messaging';
import { LinkedInCalls, organizationOf } from '../../../linkedin/linkedin-calls';
import { LinkedInConnections } from '../../../linkedin/linkedin-connections';

type VerifyCommand = MessageOf<'linkedin.employee.verify'>;

/**
 * linkedin.employee.verify → whether a member holds an APPROVED page role on the organization (the contract explains
 * why that, and not employment, is what LinkedIn can prove): LinkedInPort.verifyEmployee (over REST, the connection's
 * own member from `q=roleAssignee`, another member (`memberUrn`) from the organization's role list (`q=organization`,
 * admins only); over MCP the `verify_employee` tool). A read.
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
        const operation = memberUrn ? 'organizationRoleAssignees' : 'organizationAcls';
        return this.calls.run(command, target, operation, signal, (o) => target.client.verifyEmployee(id, { memberUrn, roles }, o));
      },
      succeeded: (r) => ({
        commandId: command.id,
        organizationUrn: r.organizationUrn,
        memberUrn: r.memberUrn,
        verified: r.verified,
        evidence: 'organization_role' as const,
        approvedRoles: r.approvedRoles,
        pendingRoles: r.pendingRoles,
      }),
      ledger: (r) => ({ outcome: 'read', externalRef: r.memberUrn }),
    });
  }
}
