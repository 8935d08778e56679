import { McpClients, type McpClient, type McpClientOptions } from '@junction/mcp';

/** McpClients that remembers what it built, so a test can see the MCP session (its stdio child, its tool calls). */
export class RecordingMcpClients extends McpClients {
  readonly built: McpClient[] = [];

  override get(key: string, version: string, build: () => McpClientOptions): McpClient {
    const client = super.get(key, version, build);
    if (!this.built.includes(client)) this.built.push(client);
    return client;
  }
}
