/**
 * For the specs of the provider MCP adapters and servers (ErpNextMcpClient, LinkedInMcpClient, RedditMcpClient and
 * their servers): the SDK's client on an in-memory transport, its callTool as an adapter's `callTool`, a fake one that
 * records its calls, and the IntegrationError a call fails with.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpToolResult } from '@junction/mcp';
import { IntegrationError } from '@junction/resilience';

/** The SDK's client connected to `server` in-process. Close it after the suite. */
export async function connectInMemory(server: McpServer): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'junction-test', version: '0.0.0' });
  await client.connect(clientSide);
  return client;
}

/** The options every provider's call options share with what the SDK's request takes. */
interface CallOptions {
  signal?: AbortSignal;
  headersTimeout?: number;
}

/** The SDK client's callTool as an adapter's function (what the workers wire per connection, through McpClient). */
export function sdkCallTool(client: Client): (name: string, args: Record<string, unknown>, options: CallOptions) => Promise<McpToolResult> {
  return async (name, args, options) => (await client.callTool({ name, arguments: args }, undefined, { signal: options.signal, timeout: options.headersTimeout })) as McpToolResult;
}

/** A callTool that answers `result` (or what the function resolves or rejects with) and records every call. */
export function fakeCallTool<O>(result: McpToolResult | (() => Promise<McpToolResult>)): {
  calls: Array<{ name: string; args: Record<string, unknown>; options: O }>;
  callTool: (name: string, args: Record<string, unknown>, options: O) => Promise<McpToolResult>;
} {
  const calls: Array<{ name: string; args: Record<string, unknown>; options: O }> = [];
  const callTool = (name: string, args: Record<string, unknown>, options: O): Promise<McpToolResult> => {
    calls.push({ name, args, options });
    return typeof result === 'function' ? result() : Promise.resolve(result);
  };
  return { calls, callTool };
}

/** A text content block. */
export const textBlock = (value: string) => ({ type: 'text', text: value });

/** The IntegrationError `promise` rejects with; fails the test if it resolves or rejects with anything else. */
export async function integrationFailure(promise: Promise<unknown>): Promise<IntegrationError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(IntegrationError);
    return error as IntegrationError;
  }
  throw new Error('expected the call to fail');
}
