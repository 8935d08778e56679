import { Injectable } from '@nestjs/common';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';

/**
 * Tools that are not Junction's own commands: the tools of the MCP connections Junction holds (src/federation).
 * `list` comes after Junction's commands in tools/list; `call` runs one. The gateway applies each key's allowlist,
 * the per-tool rate limits, the audit row and the metrics to these calls exactly as to its own.
 * A name this provider does not know: answer an `isError` result (code UNKNOWN_TOOL), do not throw.
 */
export interface FederatedTools {
  list(tenantId: string): Promise<Tool[]>;
  call(tenantId: string, name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult>;
}

export const FEDERATED_TOOLS = Symbol('FEDERATED_TOOLS');

/** The default until federation is wired: no tools. */
@Injectable()
export class NoFederatedTools implements FederatedTools {
  list(): Promise<Tool[]> {
    return Promise.resolve([]);
  }

  call(_tenantId: string, name: string): Promise<CallToolResult> {
    return Promise.resolve({ isError: true, content: [{ type: 'text', text: `UNKNOWN_TOOL: no tool "${name}"` }], structuredContent: { code: 'UNKNOWN_TOOL', message: `no tool "${name}"` } });
  }
}
