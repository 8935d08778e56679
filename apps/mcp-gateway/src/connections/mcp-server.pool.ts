import { Inject, Injectable, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { INTEGRATIONS_OPTIONS, type IntegrationsOptions, mcpTargetOf, type ResolvedConnection } from '@junction/integrations';
import { McpClient, McpClients } from '@junction/mcp';
import { ResiliencePipelines } from '@junction/resilience';

const CLIENT_INFO = { name: 'junction-mcp-gateway', version: '1.0.0' };

/**
 * This process's MCP sessions, one McpClient per connection (McpClients): built on first use from the connection's
 * config and secret (mcpTargetOf: MCP_STDIO_COMMANDS enforced, the secret as headers or env), rebuilt when the
 * connection changes (its version: updatedAt + credential), every request through the app's resilience pipelines
 * (provider `mcp`, keyed by connection id). `mcp.tool.invoke` and the federated tools share it, so a stdio server
 * runs once per connection and process. Closed at shutdown: no stdio child outlives the gateway.
 */
@Injectable()
export class McpServerPool implements OnApplicationShutdown {
  private readonly clients = new McpClients();
  /** The client last handed out per connection id (stats, tests); McpClients closes replaced ones. */
  private readonly latest = new Map<string, McpClient>();

  constructor(
    private readonly pipelines: ResiliencePipelines,
    @Optional() @Inject(INTEGRATIONS_OPTIONS) private readonly options?: IntegrationsOptions,
  ) {}

  /** Throws ConnectionError INVALID_CONFIG or MCP_COMMAND_NOT_ALLOWED for a connection it cannot reach. */
  clientFor(connection: ResolvedConnection): McpClient {
    // Checked on every use, not only when building: MCP_STDIO_COMMANDS is the operator's, a row is a tenant's.
    const target = mcpTargetOf(connection, this.options);
    const client = this.clients.get(connection.id, connection.version ?? 'unversioned', () => ({
      target,
      connection: connection.id,
      pipelines: this.pipelines,
      clientInfo: CLIENT_INFO,
    }));
    this.latest.set(connection.id, client);
    return client;
  }

  /** The client held for a connection, if one was built. */
  held(connectionId: string): McpClient | undefined {
    return this.latest.get(connectionId);
  }

  async onApplicationShutdown(): Promise<void> {
    this.latest.clear();
    await this.clients.closeAll();
  }
}
