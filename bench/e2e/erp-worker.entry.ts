/**
 * erp-worker exactly as apps/erp-worker/src/main.ts starts it, except that its ResilienceModule receives
 * PROVIDER_POLICY_OVERRIDES. Used by bench:e2e only while apps/erp-worker/src/app.definition.ts does not pass
 * `overrides: env.PROVIDER_POLICY_OVERRIDES` itself (run.ts checks); otherwise the app's own main.js runs.
 */
import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { ResilienceModule, runMain } from '@junction/platform';
import { erpWorker } from '../../apps/erp-worker/src/app.definition';

void runMain({
  ...erpWorker,
  imports: (env) =>
    erpWorker
      .imports(env)
      .map((m) =>
        typeof m === 'object' && 'module' in m && (m as DynamicModule).module === ResilienceModule
          ? ResilienceModule.forRoot({ tenantId: env.TENANT_ID, overrides: env.PROVIDER_POLICY_OVERRIDES })
          : m,
      ),
});
