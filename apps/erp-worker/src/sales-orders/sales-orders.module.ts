import { Module } from '@nestjs/common';
import { SalesOrdersConsumer } from './sales-orders.consumer';
import { CreateSalesOrderHandler } from './usecases/create-sales-order/create-sales-order.handler';
import { GetSalesOrderHandler } from './usecases/get-sales-order/get-sales-order.handler';
import { UpdateSalesOrderStatusHandler } from './usecases/update-sales-order-status/update-sales-order-status.handler';

/** Sales orders: create (with its customer), get, update status (submit / cancel / close). */
@Module({
  controllers: [SalesOrdersConsumer],
  providers: [CreateSalesOrderHandler, GetSalesOrderHandler, UpdateSalesOrderStatusHandler],
})
export class SalesOrdersModule {}
