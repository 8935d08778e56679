import { Global, Module } from '@nestjs/common';
import { McpConnectionRepository } from './mcp-connection.repository';
import { McpConnections } from './mcp-connection.resolver';
import { McpServerPool } from './mcp-server.pool';

/**
 * Global: the tenant's MCP connections and this process's sessions to them, shared by `mcp.tool.invoke` (src/invoke)
 * and the federated tools (src/federation). Needs ResilienceModule; with JUNCTION_KEK, SecurityModule and
 * IntegrationsModule (ConnectionResolver, MCP_STDIO_COMMANDS).
 */
@Global()
@Module({ providers: [McpConnectionRepository, McpServerPool, McpConnections], exports: [McpConnections, McpServerPool] })
export class ConnectionsModule {}
