import { Module } from '@nestjs/common';
import { LeadsConsumer } from './leads.consumer';
import { CreateLeadHandler } from './usecases/create-lead/create-lead.handler';

@Module({ controllers: [LeadsConsumer], providers: [CreateLeadHandler] })
export class LeadsModule {}
