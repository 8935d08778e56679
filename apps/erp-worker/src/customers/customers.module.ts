import { type DynamicModule, Module } from '@nestjs/common';
import type { ErpWorkerEnv } from '../config/env';
import { ErpNextModule } from '../erpnext/erpnext.module';
import { CustomersConsumer } from './customers.consumer';
import { CreateCustomerHandler } from './usecases/create-customer/create-customer.handler';

@Module({})
export class CustomersModule {
  static forRoot(env: ErpWorkerEnv): DynamicModule {
    return {
      module: CustomersModule,
      imports: [ErpNextModule.forRoot(env)],
      controllers: [CustomersConsumer],
      providers: [CreateCustomerHandler],
    };
  }
}
