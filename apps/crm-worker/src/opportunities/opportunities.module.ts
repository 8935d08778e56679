import { Module } from '@nestjs/common';
import { OpportunitiesConsumer } from './opportunities.consumer';
import { UpdateOpportunityHandler } from './usecases/update-opportunity/update-opportunity.handler';

@Module({ controllers: [OpportunitiesConsumer], providers: [UpdateOpportunityHandler] })
export class OpportunitiesModule {}
