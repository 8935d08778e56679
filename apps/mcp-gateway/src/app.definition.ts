import { defineApp } from '@junction/platform';
import { mcpGatewayEnvSchema } from './config/env';
import { InvokePlaceholderModule } from './invoke/invoke.placeholder';
import { McpModule } from './mcp/mcp.module';

/**
 * mcp-gateway: Junction as an MCP server (Streamable HTTP at /mcp): every command is a tool whose call publishes the
 * command and returns the event that answers it (command_result, recorded from every `<domain>.events`).
 */
export const mcpGateway = defineApp({
  name: 'mcp-gateway',
  defaultPort: 3007,
  envSchema: mcpGatewayEnvSchema,
  imports: (env) => [McpModule.forRoot(env), InvokePlaceholderModule],
});
