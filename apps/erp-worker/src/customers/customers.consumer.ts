import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageOf } from '@junction/contracts';
import { CreateCustomerHandler } from './usecases/create-customer/create-customer.handler';
import { GetCustomerHandler } from './usecases/get-customer/get-customer.handler';
import { UpdateCustomerHandler } from './usecases/update-customer/update-customer.handler';

/** Maps messages to use cases; nothing else. */
@Controller()
export class CustomersConsumer {
  constructor(
    private readonly createCustomer: CreateCustomerHandler,
    private readonly getCustomer: GetCustomerHandler,
    private readonly updateCustomer: UpdateCustomerHandler,
  ) {}

  @EventPattern('erp.customer.create')
  async onCreate(@Payload() command: MessageOf<'erp.customer.create'>): Promise<void> {
    await this.createCustomer.execute(command);
  }

  @EventPattern('erp.customer.get')
  async onGet(@Payload() command: MessageOf<'erp.customer.get'>): Promise<void> {
    await this.getCustomer.execute(command);
  }

  @EventPattern('erp.customer.update')
  async onUpdate(@Payload() command: MessageOf<'erp.customer.update'>): Promise<void> {
    await this.updateCustomer.execute(command);
  }
}
