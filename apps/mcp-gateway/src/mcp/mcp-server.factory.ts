import { Injectable } from '@nestjs/common';
import type { ApiKeyCaller } from '@junction/webhooks';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListResourcesRequestSchema, ListToolsRequestSchema, McpError, ReadResourceRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { GatewayResources } from './resources/gateway-resources';
import { CallToolHandler } from './usecases/call-tool/call-tool.handler';
import { ListToolsHandler } from './usecases/list-tools/list-tools.handler';

export const SERVER_INFO = { name: 'junction', title: 'Junction', version: '0.1.0' } as const;

/**
 * One SDK Server per HTTP request, bound to the request's caller (stateless Streamable HTTP: nothing outlives the
 * request, so any replica answers any request). The handlers only map MCP requests to the use cases.
 */
@Injectable()
export class McpServerFactory {
  constructor(
    private readonly listTools: ListToolsHandler,
    private readonly callTool: CallToolHandler,
    private readonly resources: GatewayResources,
  ) {}

  create(caller: ApiKeyCaller): Server {
    const server = new Server(SERVER_INFO, {
      capabilities: { tools: { listChanged: false }, resources: {} },
      instructions:
        "Junction's commands as tools: each call publishes the command and returns its answer event. Pass idempotencyKey (a UUID) to make a retried call safe. A {status: 'pending'} result names the commandId to poll (GET /commands/<id>).",
    });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: await this.listTools.execute(caller) }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) =>
      this.callTool.execute(caller, {
        name: request.params.name,
        arguments: request.params.arguments ?? {},
        meta: request.params._meta as Record<string, unknown> | undefined,
        signal: extra.signal,
      }),
    );
    server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: this.resources.list() }));
    server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
      const result = await this.resources.read(request.params.uri, caller.tenantId);
      if (!result) throw new McpError(ErrorCode.InvalidParams, `no resource ${request.params.uri}`);
      return result;
    });
    return server;
  }
}
