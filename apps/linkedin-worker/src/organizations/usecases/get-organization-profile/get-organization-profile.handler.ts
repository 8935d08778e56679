import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { CommandStep } from '@junction/messaging';
import { LinkedInCalls, organizationOf } from '../../../linkedin/linkedin-calls';
import { LinkedInConnections } from '../../../linkedin/linkedin-connections';

type GetCommand = MessageOf<'linkedin.organization-profile.get'>;

/** linkedin.organization-profile.get → the organization's page (`GET /rest/organizations/{id}`). A read. */
@Injectable()
export class GetOrganizationProfileHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly linkedin: LinkedInConnections,
    private readonly calls: LinkedInCalls,
  ) {}

  async execute(command: GetCommand): Promise<void> {
    await this.commands.run(command, {
      provider: 'linkedin',
      operation: 'organization-profile.get',
      naturalKey: `organization:${command.payload.organizationId ?? 'default'}`,
      effect: async ({ signal }) => {
        const target = await this.linkedin.forCommand(command);
        const id = organizationOf(command.payload.organizationId, target, 'organization-profile.get');
        return this.calls.run(command, target, 'organization', signal, (o) => target.client.organization(id, o));
      },
      succeeded: (org) => ({
        commandId: command.id,
        organization: {
          id: org.id,
          urn: org.urn,
          name: org.localizedName,
          ...(org.vanityName ? { vanityName: org.vanityName } : {}),
          ...(org.localizedWebsite ? { website: org.localizedWebsite } : {}),
          ...(org.primaryOrganizationType ? { type: org.primaryOrganizationType } : {}),
        },
      }),
      ledger: (org) => ({ outcome: 'read', externalRef: org.urn }),
    });
  }
}
