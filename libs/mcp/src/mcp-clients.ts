/**
 * The MCP clients of one process, one per connection: created on first use, replaced when the connection's settings
 * change (its `version`: updatedAt, credential rotation), all closed at shutdown so no stdio child outlives us.
 */
import { McpClient, type McpClientOptions } from './mcp-client';

interface Held {
  readonly version: string;
  readonly client: McpClient;
}

export class McpClients {
  private readonly held = new Map<string, Held>();
  private closed = false;

  /**
   * The client for `key`; `version` names the settings it was built from: a different one closes the old client at
   * once (its requests still in flight fail as retryable MCP_CLIENT_CLOSED, and their commands are redelivered onto the
   * new one) and builds a new one.
   */
  get(key: string, version: string, build: () => McpClientOptions): McpClient {
    if (this.closed) throw new Error('McpClients: closed (the process is shutting down)');
    const held = this.held.get(key);
    if (held && held.version === version) return held.client;
    if (held) void held.client.close();
    const client = new McpClient(build());
    this.held.set(key, { version, client });
    return client;
  }

  get size(): number {
    return this.held.size;
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    const clients = [...this.held.values()].map((h) => h.client);
    this.held.clear();
    await Promise.allSettled(clients.map((c) => c.close()));
  }
}
