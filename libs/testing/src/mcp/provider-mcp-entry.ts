/**
 * The provider MCP servers' compiled entries (`dist/libs/connectors/<p>/src/mcp/<p>-mcp.main.js`), started as an
 * operator or a worker starts them. Their tests need `npm run build` first: in CI a missing entry fails the suite,
 * elsewhere it is skipped loudly.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startAppProcess, type AppProcess } from '../processes/app-process';

export interface BuiltEntry {
  /** Absolute path of the compiled entry. */
  entry: string;
  /** `describe`, or `describe.skip` when the entry is not built (outside CI). */
  describeIfBuilt: jest.Describe;
}

/** `path` from the repository root; `suite` names the tests in the message ("the <suite> tests are SKIPPED"). */
export function builtEntry(path: string, suite: string): BuiltEntry {
  const entry = join(process.cwd(), path);
  const built = existsSync(entry);
  if (!built) {
    if (process.env.CI === 'true') throw new Error(`${entry} is missing: in CI the ${suite} tests must run. Run \`npm run build\` first.`);
    console.warn(`\n!!! ${entry} is missing: the ${suite} tests are SKIPPED. Run \`npm run build\` first.\n`);
  }
  return { entry, describeIfBuilt: built ? describe : describe.skip };
}

/**
 * The SDK's client on `node <entry> stdio`, spawned with only PATH and `env` (no provider variables from the
 * developer's shell, so an entry without credentials starts its own sandbox), and what the entry wrote to stderr.
 */
export async function connectStdioEntry(entry: string, env: Record<string, string> = {}): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [entry, 'stdio'], env: { PATH: process.env.PATH ?? '', ...env }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'junction-test', version: '0.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

/**
 * `node <entry> http` on a free port (PORT=0) with `env`, ready once it logs "<title> listening on port N (<url>)":
 * the process's `url` is that /mcp URL.
 */
export function startMcpHttpEntry(entry: string, title: string, env: Record<string, string> = {}, timeoutMs = 15_000): Promise<AppProcess> {
  const readyPattern = new RegExp(`${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} listening on port \\d+ \\((http://[^\\s)]+)\\)`);
  return startAppProcess(entry, { PORT: '0', ...env }, { args: ['http'], readyPattern, timeoutMs });
}

/** Runs `node <entry> <args>` with only PATH and `env` until it exits (a refusal to start), with what it wrote to stderr. */
export function runEntryToExit(entry: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [entry, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

/** A JSON-RPC message POSTed to a Streamable HTTP endpoint as an MCP client would, without a client (for what a client would not send). */
export function postJsonRpc(url: string, message: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(message),
  });
}

export const INITIALIZE_REQUEST = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '0' } } };
