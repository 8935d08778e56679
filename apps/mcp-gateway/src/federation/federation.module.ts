import { type DynamicModule, Module } from '@nestjs/common';
import type { McpGatewayEnv } from '../config/env';
import { FEDERATION_LIST_TIMEOUT_MS, FederatedMcpTools } from './federated-mcp.tools';

/** The tenant's MCP connections' tools as /mcp tools (McpModule's FEDERATED_TOOLS). Needs ConnectionsModule. */
@Module({})
export class FederationModule {
  static forRoot(env: Pick<McpGatewayEnv, 'MCP_FEDERATION_LIST_TIMEOUT_MS'>): DynamicModule {
    return {
      module: FederationModule,
      providers: [{ provide: FEDERATION_LIST_TIMEOUT_MS, useValue: env.MCP_FEDERATION_LIST_TIMEOUT_MS }, FederatedMcpTools],
      exports: [FederatedMcpTools],
    };
  }
}
