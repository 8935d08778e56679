import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConnectionError } from '@junction/integrations';
import { IntegrationError } from '@junction/resilience';
import type { Connection } from '@junction/persistence';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { McpConnections, type McpSession } from '../connections/mcp-connection.resolver';
import type { FederatedTools } from '../mcp/tools/federated-tools';
import { federatedPrefixOf, federatedToolName } from './federated-tool-name';

export const FEDERATION_LIST_TIMEOUT_MS = Symbol('MCP_FEDERATION_LIST_TIMEOUT_MS');
/** How long a connection that could not be listed is left out before it is asked again. */
export const DOWN_FOR_MS = 30_000;

/** One connection's tools under their federated names. */
interface Listed {
  readonly row: Connection;
  readonly tools: ReadonlyArray<{ readonly name: string; readonly tool: Tool }>;
}

/**
 * The tools of the tenant's MCP connections (mcp-stdio, mcp-http, mcp-sse; any status the resolver accepts, so not
 * disconnected or reauth_required) as tools of /mcp, each named `<connection name>__<tool>` (federatedToolName)
 * with its own title, description, input and output schema and annotations. Provider connections that reach their
 * provider through MCP (`config.transport: "mcp"`) are not federated: their servers are the workers' business.
 *
 * tools/list asks every connection at once (each session pooled, its list cached until the server says it changed)
 * and waits at most MCP_FEDERATION_LIST_TIMEOUT_MS for each: a server that is down, slow or misconfigured is left out
 * and logged (a warning, then left out without asking for DOWN_FOR_MS), and never fails the list. A call is routed by the same names to the same pooled
 * client `mcp.tool.invoke` uses; its result (isError included) is passed on as the server sent it.
 */
@Injectable()
export class FederatedMcpTools implements FederatedTools {
  private readonly logger = new Logger(FederatedMcpTools.name);
  /** Per connection version: left out of listings until `until` (see toolsOf). */
  private readonly down = new Map<string, { until: number; code: string; message: string }>();

  constructor(
    private readonly connections: McpConnections,
    @Inject(FEDERATION_LIST_TIMEOUT_MS) private readonly listTimeoutMs: number,
  ) {}

  async list(tenantId: string): Promise<Tool[]> {
    const rows = await this.connections.callable(tenantId);
    const listed = await Promise.all(rows.map((row) => this.listOne(row)));
    const seen = new Set<string>();
    const tools: Tool[] = [];
    for (const { row, tools: named } of listed) {
      for (const { name, tool } of named) {
        if (seen.has(name)) {
          this.logger.warn({ message: 'federated tool name taken by an older connection: left out', tool: name, connectionId: row.id });
          continue;
        }
        seen.add(name);
        tools.push({
          ...tool,
          name,
          title: tool.title ?? tool.name,
          _meta: { ...tool._meta, 'io.junction/connection': row.name, 'io.junction/tool': tool.name },
        });
      }
    }
    return tools;
  }

  async call(tenantId: string, name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    let route: { session: McpSession; tool: string } | undefined;
    try {
      route = await this.route(tenantId, name);
    } catch (error) {
      return failure(error);
    }
    if (!route) return refusal('UNKNOWN_TOOL', `no tool "${name.slice(0, 200)}"`);
    try {
      return await route.session.client.callToolResult(route.tool, args, { signal });
    } catch (error) {
      return failure(error);
    }
  }

  /** The connection and original tool a federated name stands for (the first in listing order, as tools/list shows). */
  private async route(tenantId: string, name: string): Promise<{ session: McpSession; tool: string } | undefined> {
    const candidates = (await this.connections.callable(tenantId)).filter((row) => name.startsWith(federatedPrefixOf(row.name)));
    // Usually one candidate; a down one among several must not hide the tool of another, so its failure is only
    // reported when no candidate has the tool.
    let unavailable: Error | undefined;
    for (const row of candidates) {
      try {
        const { session, tools } = await this.toolsOf(row);
        const tool = tools.find((t) => federatedToolName(row.name, t.name) === name);
        if (tool) return { session, tool: tool.name };
      } catch (error) {
        unavailable ??= error instanceof Error ? error : new Error(String(error));
      }
    }
    if (unavailable) throw unavailable;
    return undefined;
  }

  /** One connection's tools under their federated names, or none (logged) when it cannot be listed now. */
  private async listOne(row: Connection): Promise<Listed> {
    try {
      const { tools } = await this.toolsOf(row);
      return { row, tools: tools.map((tool) => ({ name: federatedToolName(row.name, tool.name), tool })) };
    } catch (error) {
      const { code, message } = describe(error);
      if (error instanceof ServerDown) this.logger.debug?.({ message: 'MCP connection still down: left out of tools/list', connectionId: row.id, code });
      else this.logger.warn({ message: `MCP connection left out of tools/list (not asked again for ${DOWN_FOR_MS / 1_000} s)`, connectionId: row.id, connection: row.name, type: row.typeSlug, code, reason: message });
      return { row, tools: [] };
    }
  }

  /**
   * The connection's session and tools (cached by its client) within MCP_FEDERATION_LIST_TIMEOUT_MS. A connection
   * that failed is not asked again for DOWN_FOR_MS (or until its row changes), so a dead or hanging server costs one
   * listing that long wait, not every listing.
   */
  private async toolsOf(row: Connection): Promise<{ session: McpSession; tools: Tool[] }> {
    const key = `${row.id}:${row.updatedAt.getTime()}`;
    const down = this.down.get(key);
    if (down && down.until > Date.now()) throw new ServerDown(down.code, down.message);
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ServerDown('MCP_TIMEOUT', `no tools/list answer within ${this.listTimeoutMs} ms`)), this.listTimeoutMs);
    });
    try {
      const listing = this.connections.open(row).then(async (session) => ({ session, tools: await session.client.tools({ deadline: Date.now() + this.listTimeoutMs }) }));
      // Left running when the budget wins: its outcome is not needed, its rejection must not go unhandled.
      listing.catch(() => undefined);
      const listed = await Promise.race([listing, budget]);
      this.down.delete(key);
      return listed;
    } catch (error) {
      this.down.set(key, { until: Date.now() + DOWN_FOR_MS, ...describe(error) });
      for (const [k, v] of this.down) if (v.until <= Date.now()) this.down.delete(k);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A connection that failed to list lately (or just now, past the budget). */
class ServerDown extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof ConnectionError || error instanceof IntegrationError || error instanceof ServerDown) return { code: error.code, message: error.message };
  return { code: 'MCP_UNREACHABLE', message: error instanceof Error ? error.message : String(error) };
}

function failure(error: unknown): CallToolResult {
  const { code, message } = describe(error);
  return refusal(code, message);
}

function refusal(code: string, message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: `${code}: ${message}` }], structuredContent: { code, message } };
}
