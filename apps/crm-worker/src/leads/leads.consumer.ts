import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageOf } from '@junction/contracts';
import { CreateLeadHandler } from './usecases/create-lead/create-lead.handler';

/** Maps messages to use cases; nothing else. */
@Controller()
export class LeadsConsumer {
  constructor(private readonly createLead: CreateLeadHandler) {}

  @EventPattern('crm.lead.create')
  async onCreate(@Payload() command: MessageOf<'crm.lead.create'>): Promise<void> {
    await this.createLead.execute(command);
  }
}
