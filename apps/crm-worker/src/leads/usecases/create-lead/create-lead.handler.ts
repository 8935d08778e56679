import { Injectable, Logger } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { CommandStep } from '@junction/messaging';
import { CrmGateway } from '../../../crm/crm-gateway';
import type { CrmLead } from '../../../crm/crm.port';

type CreateLead = MessageOf<'crm.lead.create'>;

/**
 * crm.lead.create → one lead per e-mail. The e-mail is the natural key: looked up before creating (so a redelivery,
 * a retry after a lost response or another system's earlier entry finds the contact), and a create the CRM refuses
 * as a duplicate (its search lagging behind) counts as existing. An existing contact is left untouched.
 */
@Injectable()
export class CreateLeadHandler {
  private readonly logger = new Logger(CreateLeadHandler.name);

  constructor(
    private readonly commands: CommandStep,
    private readonly crm: CrmGateway,
  ) {}

  async execute(command: CreateLead): Promise<void> {
    const email = command.payload.email.trim().toLowerCase();
    await this.commands.run<'crm.lead.create', { lead: CrmLead; existed: boolean }>(command, {
      provider: 'crm',
      operation: 'lead.create',
      naturalKey: email,
      effect: async ({ signal }) => {
        const crm = await this.crm.forCommand(command, signal);
        const existing = await crm.findLeadByEmail(email);
        if (existing) return { lead: existing, existed: true };
        const outcome = await crm.createLead({ ...command.payload, email });
        this.logger.log(`${outcome.existed ? 'found existing' : 'created'} CRM lead ${outcome.lead.id} (command ${command.id}, correlation ${command.correlationId})`);
        return outcome;
      },
      succeeded: ({ lead, existed }) => ({ commandId: command.id, email, contactId: lead.id, alreadyExisted: existed, lifecycleStage: lead.lifecycleStage }),
      ledger: ({ lead, existed }) => ({ outcome: existed ? 'existed' : 'created', externalRef: lead.id }),
    });
  }
}
