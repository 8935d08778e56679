import { Module } from '@nestjs/common';
import { CustomersConsumer } from './customers.consumer';
import { CreateCustomerHandler } from './usecases/create-customer/create-customer.handler';
import { GetCustomerHandler } from './usecases/get-customer/get-customer.handler';
import { UpdateCustomerHandler } from './usecases/update-customer/update-customer.handler';

/** Customers: create, get, update. ERPNext comes from ErpNextModule (global, imported by the app). */
@Module({
  controllers: [CustomersConsumer],
  providers: [CreateCustomerHandler, GetCustomerHandler, UpdateCustomerHandler],
})
export class CustomersModule {}
