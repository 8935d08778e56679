/**
 * The two clients being compared, each with its own session to server-everything: libs/mcp's McpClient with a
 * ResiliencePipelines (as the workers use it: catalog lookup, argument check against the tool's schema, breaker,
 * per-attempt timeout, retry policy, isError → failure), and a bare `@modelcontextprotocol/sdk` Client on the same
 * transport class calling `tools/call` directly.
 *
 * Over stdio each client starts its own server process (as each would in production); over Streamable HTTP both
 * talk to one server process.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { McpClient } from '@junction/mcp';
import { ResiliencePipelines } from '@junction/resilience';

export type Call = () => Promise<unknown>;

/** The transports compared (McpTarget less the legacy SSE one). */
export type BenchTarget = { transport: 'stdio'; command: string; args: string[] } | { transport: 'streamable-http'; url: URL; headers: Record<string, string> };

export interface BenchClient {
  readonly name: 'libs/mcp' | 'bare sdk';
  readonly call: Call;
  close(): Promise<void>;
}

const MESSAGE = 'hello from bench:mcp, 0123456789';

/** Each call checks the answer: a client that got something else wrong would otherwise look fast. */
function checked(result: CallToolResult): CallToolResult {
  const first = result.content[0];
  if (result.isError || first?.type !== 'text' || first.text !== `Echo: ${MESSAGE}`) throw new Error(`unexpected echo result: ${JSON.stringify(result).slice(0, 200)}`);
  return result;
}

export function libsMcpClient(target: BenchTarget): BenchClient {
  const pipelines = new ResiliencePipelines();
  const client = new McpClient({ target, connection: 'bench', pipelines });
  return {
    name: 'libs/mcp',
    call: async () => checked(await client.callTool('echo', { message: MESSAGE })),
    close: async () => {
      await client.close();
      pipelines.close();
    },
  };
}

export async function bareSdkClient(target: BenchTarget): Promise<BenchClient> {
  const transport =
    target.transport === 'stdio'
      ? new StdioClientTransport({ command: target.command, args: target.args, stderr: 'ignore' })
      : new StreamableHTTPClientTransport(target.url, { requestInit: { headers: target.headers } });
  const client = new Client({ name: 'bench-bare', version: '1.0.0' }, { capabilities: {} });
  await client.connect(transport);
  return {
    name: 'bare sdk',
    call: async () => checked((await client.callTool({ name: 'echo', arguments: { message: MESSAGE } })) as CallToolResult),
    close: () => client.close(),
  };
}
