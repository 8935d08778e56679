import { defineApp, ResilienceModule } from '@junction/platform';
import { erpWorkerEnvSchema } from './config/env';
import { CustomersModule } from './customers/customers.module';

/** erp-worker: erp.commands → ERPNext (Frappe REST) → erp.events. */
export const erpWorker = defineApp({
  name: 'erp-worker',
  defaultPort: 3001,
  envSchema: erpWorkerEnvSchema,
  imports: (env) => [ResilienceModule.forRoot({ tenantId: env.TENANT_ID }), CustomersModule.forRoot(env)],
});
