import { IntegrationsModule } from '@junction/integrations';
import { defineApp, ResilienceModule } from '@junction/platform';
import { SecurityModule } from '@junction/security';
import { crmWorkerEnvSchema } from './config/env';
import { CrmModule } from './crm/crm.module';
import { LeadsModule } from './leads/leads.module';
import { OpportunitiesModule } from './opportunities/opportunities.module';
import { PipelineReportsModule } from './pipeline-reports/pipeline-reports.module';

/** crm-worker: crm.commands → the CRM (HubSpot v3 API) → crm.events, on the command's connection (JUNCTION_KEK set). */
export const crmWorker = defineApp({
  name: 'crm-worker',
  defaultPort: 3004,
  envSchema: crmWorkerEnvSchema,
  imports: (env) => [
    ResilienceModule.forRoot({ tenantId: env.TENANT_ID, overrides: env.PROVIDER_POLICY_OVERRIDES }),
    // Connections need the key ring their secrets are sealed with; without it the worker runs on CRM_* or the sandbox.
    ...(env.JUNCTION_KEK ? [SecurityModule.forRoot({ kek: env.JUNCTION_KEK }), IntegrationsModule.forRoot()] : []),
    CrmModule.forRoot(env),
    LeadsModule,
    OpportunitiesModule,
    PipelineReportsModule,
  ],
});
