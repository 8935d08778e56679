import { Controller, Delete, Get, Logger, Post, Req, Res } from '@nestjs/common';
import { ApiKeyAuthenticator } from '@junction/webhooks';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { McpServerFactory } from './mcp-server.factory';

/**
 * `/mcp`, MCP Streamable HTTP, stateless: every POST is served by a fresh SDK server and transport, bound to the
 * caller its API key (scope `commands`) names, and gone when the answer is sent. No session lives in a replica, so a
 * load balancer may send each request anywhere; waiting for a command's answer goes through Postgres (command_result).
 * Without sessions there is no server-to-client stream to open (GET) or session to end (DELETE): both are 405, as the
 * transport specification allows, once the key is checked.
 */
@Controller('mcp')
export class McpController {
  private readonly logger = new Logger(McpController.name);

  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly servers: McpServerFactory,
  ) {}

  @Post()
  async post(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const auth = await this.authenticator.authenticate(request.headers.authorization, 'commands');
    if (!auth.ok) return sendJsonRpcError(reply, auth.status, -32001, `${auth.code}: ${auth.message}`, auth.status === 401);
    const server = this.servers.create(auth.caller);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    } catch (error: unknown) {
      this.logger.error({ message: 'MCP request failed', error: (error as Error).message });
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(JSON.stringify(jsonRpcError(-32603, 'internal error; see the logs')));
      }
    }
  }

  @Get()
  async get(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.notAllowed(request, reply);
  }

  @Delete()
  async delete(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.notAllowed(request, reply);
  }

  private async notAllowed(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const auth = await this.authenticator.authenticate(request.headers.authorization, 'commands');
    if (!auth.ok) return sendJsonRpcError(reply, auth.status, -32001, `${auth.code}: ${auth.message}`, auth.status === 401);
    void reply.header('allow', 'POST');
    return sendJsonRpcError(reply, 405, -32000, 'Method not allowed: this server is stateless (no sessions, no server-initiated stream); POST requests to /mcp');
  }
}

function jsonRpcError(code: number, message: string) {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

function sendJsonRpcError(reply: FastifyReply, status: number, code: number, message: string, challenge = false): void {
  if (challenge) void reply.header('www-authenticate', 'Bearer realm="junction"');
  void reply.status(status).header('content-type', 'application/json').send(jsonRpcError(code, message));
}
