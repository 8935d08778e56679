import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageOf } from '@junction/contracts';
import { CreateCustomerHandler } from './usecases/create-customer/create-customer.handler';

/** Maps messages to use cases; nothing else. */
@Controller()
export class CustomersConsumer {
  constructor(private readonly createCustomer: CreateCustomerHandler) {}

  @EventPattern('erp.customer.create')
  async onCreate(@Payload() command: MessageOf<'erp.customer.create'>): Promise<void> {
    await this.createCustomer.execute(command);
  }
}
