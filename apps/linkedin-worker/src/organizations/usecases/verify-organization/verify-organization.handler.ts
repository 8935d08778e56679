import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { CommandStep } from '@junction/messaging';
import { LinkedInCalls, organizationOf } from '../../../linkedin/linkedin-calls';
import { LinkedInConnections } from '../../../linkedin/linkedin-connections';

type VerifyCommand = MessageOf<'linkedin.organization.verify'>;

/**
 * linkedin.organization.verify → whether the connection's member administers the organization: an APPROVED
 * ADMINISTRATOR role among its role assignments (LinkedInPort.verifyOrganization: `organizationAcls?q=roleAssignee`,
 * every page, over REST; the `verify_organization` tool over MCP). A read: repeating it is harmless; the answer is
 * `verified: true|false`, not a failure.
 */
@Injectable()
export class VerifyOrganizationHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly linkedin: LinkedInConnections,
    private readonly calls: LinkedInCalls,
  ) {}

  async execute(command: VerifyCommand): Promise<void> {
    await this.commands.run(command, {
      provider: 'linkedin',
      operation: 'organization.verify',
      naturalKey: `organization:${command.payload.organizationId ?? 'default'}`,
      effect: async ({ signal }) => {
        const target = await this.linkedin.forCommand(command);
        const id = organizationOf(command.payload.organizationId, target, 'organization.verify');
        return this.calls.run(command, target, 'organizationAcls', signal, (o) => target.client.verifyOrganization(id, o));
      },
      succeeded: (r) => ({ commandId: command.id, organizationUrn: r.organizationUrn, memberUrn: r.memberUrn, verified: r.verified, roles: r.roles }),
      ledger: (r) => ({ outcome: 'read', externalRef: r.organizationUrn }),
    });
  }
}
