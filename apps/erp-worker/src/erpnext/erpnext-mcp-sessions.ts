import type { OnApplicationShutdown } from '@nestjs/common';
import { ErpNextMcpClient, type ErpNextPort } from '@junction/connectors/erpnext';
import { providerMcpCallTool, type IntegrationsOptions, type ResolvedConnection } from '@junction/integrations';
import { McpClients } from '@junction/mcp';

/**
 * ERPNext through an MCP server, for `erpnext` connections with `config.transport: "mcp"`: ErpNextMcpClient (the same
 * ErpNextPort as the REST client) whose tools/call goes to the connection's server over one pooled McpClient (one
 * session, for stdio one child process) per connection and version, all closed at shutdown so no stdio server
 * outlives the worker.
 *
 * The McpClient has no pipeline of its own: ErpNextCalls already runs every port call inside the connection's erpnext
 * pipeline (breaker, rate limits, retries, the attempt's timeout), so a tools/call gets that attempt's budget and
 * signal, and a second pipeline would retry (and count) every failure twice. Failures come back as ERPNext's own
 * (ErpNextMcpClient reframes the MCP layer's): the pipeline retries the retryable classes, `.failed` events carry
 * the same PROVIDER_* codes as over REST.
 *
 * A new connection version (config or credential changed) gets a new session and the old one is closed: a call
 * still running on it fails retryable (network) and its command is redelivered onto the new one.
 */
export class ErpNextMcpSessions implements OnApplicationShutdown {
  private readonly pool = new McpClients();

  /** `integrations.mcpStdioCommands` (MCP_STDIO_COMMANDS): the stdio servers this worker may start. */
  constructor(private readonly integrations: IntegrationsOptions | undefined) {}

  /**
   * The port for a connection with transport mcp. Throws ConnectionError INVALID_CONFIG or MCP_COMMAND_NOT_ALLOWED
   * (not retryable: the command is dead-lettered with that code) before anything is started; the session itself is
   * opened by the first call.
   */
  clientFor(resolved: ResolvedConnection, timeoutMs: number): ErpNextPort {
    return new ErpNextMcpClient({ callTool: providerMcpCallTool(this.pool, resolved, { integrations: this.integrations, timeoutMs, clientName: 'junction-erp-worker' }) });
  }

  /** Open MCP clients (one per connection in use). */
  get size(): number {
    return this.pool.size;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.closeAll();
  }
}
