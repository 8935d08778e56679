import { type ClassProvider, type DynamicModule, type ExistingProvider, type FactoryProvider, Module, type Provider, type ValueProvider } from '@nestjs/common';
import { ApiKeyAuthenticator, ApiKeyService } from '@junction/webhooks';
import type { McpGatewayEnv } from '../config/env';
import { ResultsModule } from '../results/results.module';
import { ToolCallRepository } from './calls/tool-call.repository';
import { McpController } from './mcp.controller';
import { McpServerFactory } from './mcp-server.factory';
import { GatewayHealthRepository } from './resources/gateway-health.repository';
import { GatewayResources, METRICS_WINDOW_MINUTES } from './resources/gateway-resources';
import { CommandToolCatalog } from './tools/command-tool.catalog';
import { FEDERATED_TOOLS, NoFederatedTools } from './tools/federated-tools';
import { TOOL_RATE_LIMITS, ToolRateLimiter } from './tools/tool-rate-limiter';
import { CALL_TIMEOUT_MS, CallToolHandler } from './usecases/call-tool/call-tool.handler';
import { ListToolsHandler } from './usecases/list-tools/list-tools.handler';

export interface McpModuleOptions {
  /** The FEDERATED_TOOLS implementation (src/federation); default: none. */
  federatedTools?: Omit<ClassProvider, 'provide'> | Omit<FactoryProvider, 'provide'> | Omit<ExistingProvider, 'provide'> | Omit<ValueProvider, 'provide'>;
  /** Modules the federated tools provider needs. */
  imports?: DynamicModule['imports'];
}

/** `/mcp`: Junction's commands (and federated tools) as MCP tools, its health and tool metrics as resources. */
@Module({})
export class McpModule {
  static forRoot(env: Pick<McpGatewayEnv, 'DATABASE_URL' | 'MCP_CALL_TIMEOUT_MS' | 'MCP_TOOL_RATE_LIMITS' | 'MCP_METRICS_WINDOW_MINUTES'>, options: McpModuleOptions = {}): DynamicModule {
    return {
      module: McpModule,
      imports: [ResultsModule.forRoot({ databaseUrl: env.DATABASE_URL! }), ...(options.imports ?? [])],
      controllers: [McpController],
      providers: [
        { provide: CALL_TIMEOUT_MS, useValue: env.MCP_CALL_TIMEOUT_MS },
        { provide: TOOL_RATE_LIMITS, useValue: env.MCP_TOOL_RATE_LIMITS ?? {} },
        { provide: METRICS_WINDOW_MINUTES, useValue: env.MCP_METRICS_WINDOW_MINUTES },
        { provide: FEDERATED_TOOLS, ...(options.federatedTools ?? { useClass: NoFederatedTools }) } as Provider,
        ApiKeyService,
        ApiKeyAuthenticator,
        CommandToolCatalog,
        ToolRateLimiter,
        ToolCallRepository,
        GatewayHealthRepository,
        GatewayResources,
        ListToolsHandler,
        CallToolHandler,
        McpServerFactory,
      ],
      exports: [FEDERATED_TOOLS],
    };
  }
}
