import { IntegrationsModule, parseCommandList } from '@junction/integrations';
import { defineApp, ResilienceModule } from '@junction/platform';
import { SecurityModule } from '@junction/security';
import { erpWorkerEnvSchema } from './config/env';
import { CustomersModule } from './customers/customers.module';
import { ErpNextModule } from './erpnext/erpnext.module';
import { InventoryModule } from './inventory/inventory.module';
import { ReportsModule } from './reports/reports.module';
import { SalesOrdersModule } from './sales-orders/sales-orders.module';

/** erp-worker: erp.commands → ERPNext (Frappe REST, or an ERPNext MCP server) → erp.events, on the command's connection (JUNCTION_KEK set). */
export const erpWorker = defineApp({
  name: 'erp-worker',
  defaultPort: 3001,
  envSchema: erpWorkerEnvSchema,
  imports: (env) => [
    ResilienceModule.forRoot({ tenantId: env.TENANT_ID, overrides: env.PROVIDER_POLICY_OVERRIDES }),
    // Connections need the key ring their secrets are sealed with; without it the worker runs on ERPNEXT_* or the sandbox.
    ...(env.JUNCTION_KEK ? [SecurityModule.forRoot({ kek: env.JUNCTION_KEK }), IntegrationsModule.forRoot({ mcpStdioCommands: parseCommandList(env.MCP_STDIO_COMMANDS) })] : []),
    ErpNextModule.forRoot(env),
    CustomersModule,
    SalesOrdersModule,
    InventoryModule,
    ReportsModule,
  ],
});
