import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageOf } from '@junction/contracts';
import { UpdateOpportunityHandler } from './usecases/update-opportunity/update-opportunity.handler';

/** Maps messages to use cases; nothing else. */
@Controller()
export class OpportunitiesConsumer {
  constructor(private readonly updateOpportunity: UpdateOpportunityHandler) {}

  @EventPattern('crm.opportunity.update')
  async onUpdate(@Payload() command: MessageOf<'crm.opportunity.update'>): Promise<void> {
    await this.updateOpportunity.execute(command);
  }
}
