import { IntegrationsModule, parseCommandList } from '@junction/integrations';
import { defineApp, type ModuleImport, ResilienceModule } from '@junction/platform';
import { SecurityModule } from '@junction/security';
import { mcpGatewayEnvSchema, type McpGatewayEnv } from './config/env';
import { ConnectionsModule } from './connections/connections.module';
import { FederatedMcpTools } from './federation/federated-mcp.tools';
import { FederationModule } from './federation/federation.module';
import { InvokeModule } from './invoke/invoke.module';
import { McpModule, type McpModuleOptions } from './mcp/mcp.module';

/**
 * mcp-gateway's modules. `federatedTools` replaces the tenant's MCP connections as the source of federated tools
 * (tests of the /mcp seam).
 */
export function mcpGatewayModules(env: McpGatewayEnv, options: Pick<McpModuleOptions, 'federatedTools'> = {}): ModuleImport[] {
  return [
    ResilienceModule.forRoot({ tenantId: env.TENANT_ID, overrides: env.PROVIDER_POLICY_OVERRIDES }),
    // Connections need the key ring their secrets are sealed with; without it no MCP connection can be opened.
    ...(env.JUNCTION_KEK ? [SecurityModule.forRoot({ kek: env.JUNCTION_KEK }), IntegrationsModule.forRoot({ mcpStdioCommands: parseCommandList(env.MCP_STDIO_COMMANDS) })] : []),
    ConnectionsModule,
    McpModule.forRoot(env, options.federatedTools ? options : { federatedTools: { useExisting: FederatedMcpTools }, imports: [FederationModule.forRoot(env)] }),
    InvokeModule,
  ];
}

/**
 * mcp-gateway: Junction as an MCP server (Streamable HTTP at /mcp): every command is a tool whose call publishes the
 * command and returns the event that answers it (command_result, recorded from every `<domain>.events`), beside the
 * tools of the tenant's MCP connections (federated); and the MCP client of Junction: `mcp.tool.invoke` calls a tool
 * of one of those connections.
 */
export const mcpGateway = defineApp({
  name: 'mcp-gateway',
  defaultPort: 3007,
  envSchema: mcpGatewayEnvSchema,
  imports: (env) => mcpGatewayModules(env),
});
