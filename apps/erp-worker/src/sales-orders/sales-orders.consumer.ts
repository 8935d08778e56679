import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageOf } from '@junction/contracts';
import { CreateSalesOrderHandler } from './usecases/create-sales-order/create-sales-order.handler';
import { GetSalesOrderHandler } from './usecases/get-sales-order/get-sales-order.handler';
import { UpdateSalesOrderStatusHandler } from './usecases/update-sales-order-status/update-sales-order-status.handler';

/** Maps messages to use cases; nothing else. */
@Controller()
export class SalesOrdersConsumer {
  constructor(
    private readonly createSalesOrder: CreateSalesOrderHandler,
    private readonly getSalesOrder: GetSalesOrderHandler,
    private readonly updateStatus: UpdateSalesOrderStatusHandler,
  ) {}

  @EventPattern('erp.sales-order.create')
  async onCreate(@Payload() command: MessageOf<'erp.sales-order.create'>): Promise<void> {
    await this.createSalesOrder.execute(command);
  }

  @EventPattern('erp.sales-order.get')
  async onGet(@Payload() command: MessageOf<'erp.sales-order.get'>): Promise<void> {
    await this.getSalesOrder.execute(command);
  }

  @EventPattern('erp.sales-order.update-status')
  async onUpdateStatus(@Payload() command: MessageOf<'erp.sales-order.update-status'>): Promise<void> {
    await this.updateStatus.execute(command);
  }
}
