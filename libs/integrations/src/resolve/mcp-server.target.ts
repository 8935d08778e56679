/**
 * Where a connection's MCP server is, as libs/mcp's McpTarget. Two kinds of connection name one:
 * - an MCP connection (`mcp-stdio`, `mcp-http`, `mcp-sse`): its config is the server;
 * - a provider connection with `config.transport: "mcp"` (erpnext, linkedin, reddit …): `config.mcp` is the server,
 *   and the provider worker calls the server's tools instead of the provider's REST API.
 *
 * The connection's secret goes to the server: over HTTP as headers (api_key in `apiKeyHeader`, basic, bearer, jwt);
 * to a stdio server as environment variables named by `secretEnv` ({"ERPNEXT_API_KEY": "apiKey", …}), never in its
 * config (config is shown by the admin API). A stdio command must be on the operator's MCP_STDIO_COMMANDS list.
 */
import type { McpClients, McpTarget, McpToolResult } from '@junction/mcp';
import { ConnectionError, type ConnectionSecret, type ResolvedConnection } from '../connections/connection.types';
import { stdioCommandAllowed, type IntegrationsOptions } from '../integrations.options';

/** Secret fields a stdio server can be given (`secretEnv` values). */
const SECRET_FIELDS = ['apiKey', 'apiSecret', 'username', 'password', 'token'] as const;
type SecretField = (typeof SECRET_FIELDS)[number];

const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';

/** JSON Schema of a stdio server (`mcp-stdio` config, or `config.mcp` of a provider connection). */
export const MCP_STDIO_SERVER_PROPERTIES = {
  command: { type: 'string', minLength: 1, description: 'executable to start (must be listed in MCP_STDIO_COMMANDS)' },
  args: { type: 'array', items: { type: 'string' }, default: [] },
  env: { type: 'object', propertyNames: { pattern: ENV_NAME }, additionalProperties: { type: 'string' }, description: 'extra environment variables (not secrets: config is shown)' },
  secretEnv: {
    type: 'object',
    propertyNames: { pattern: ENV_NAME },
    additionalProperties: { enum: [...SECRET_FIELDS] },
    description: "environment variables given a field of the connection's secret, e.g. {\"API_TOKEN\": \"token\"}",
  },
  cwd: { type: 'string', minLength: 1 },
} as const;

/** JSON Schema of a remote server (`mcp-http` / `mcp-sse` config, or `config.mcp` of a provider connection). */
export const MCP_REMOTE_SERVER_PROPERTIES = {
  url: { type: 'string', format: 'uri', description: 'the MCP endpoint, e.g. https://mcp.example.com/mcp' },
  apiKeyHeader: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", default: 'X-API-Key', description: 'header carrying the API key (auth api_key)' },
} as const;

/**
 * `config.mcp` of a provider connection: a stdio server (`command`) or a remote one (`url`; `legacySse: true` for
 * the old HTTP+SSE transport).
 */
export const PROVIDER_MCP_SERVER_SCHEMA = {
  description: "the provider's MCP server, used when transport is mcp",
  // No defaults inside oneOf (Ajv cannot apply them there): mcpTargetOf supplies them.
  oneOf: [
    { type: 'object', properties: withoutDefaults(MCP_STDIO_SERVER_PROPERTIES), required: ['command'], additionalProperties: false },
    {
      type: 'object',
      properties: { ...withoutDefaults(MCP_REMOTE_SERVER_PROPERTIES), legacySse: { type: 'boolean', description: 'the legacy HTTP+SSE transport' } },
      required: ['url'],
      additionalProperties: false,
    },
  ],
};

function withoutDefaults(properties: Record<string, object>): Record<string, object> {
  return Object.fromEntries(Object.entries(properties).map(([name, { default: _default, ...rest }]: [string, { default?: unknown }]) => [name, rest]));
}

/**
 * `transport` and `mcp` of a provider type's config schema, and the rule that `mcp` is required when transport is
 * mcp (the REST fields the type requires are then not).
 */
export function providerTransportSchema(restRequired: readonly string[]): { properties: Record<string, unknown>; rules: Record<string, unknown> } {
  return {
    properties: {
      transport: { enum: ['rest', 'mcp'], default: 'rest', description: "how the worker reaches the provider: its REST API, or an MCP server's tools" },
      mcp: PROVIDER_MCP_SERVER_SCHEMA,
    },
    // Each branch names the properties it requires (Ajv's strictRequired); their schemas are the type's own.
    rules: {
      if: { type: 'object', properties: { transport: { const: 'mcp' } }, required: ['transport'] },
      then: { type: 'object', properties: { mcp: true }, required: ['mcp'] },
      ...(restRequired.length > 0 ? { else: { type: 'object', properties: Object.fromEntries(restRequired.map((p) => [p, true])), required: [...restRequired] } } : {}),
    },
  };
}

/** Whether a provider connection's worker calls an MCP server (`config.transport: "mcp"`). */
export function usesMcp(connection: Pick<ResolvedConnection, 'config'>): boolean {
  return connection.config.transport === 'mcp';
}

/**
 * The McpTarget of a connection (see the file comment). Throws ConnectionError INVALID_CONFIG (400) for a config or
 * secret it cannot use, MCP_COMMAND_NOT_ALLOWED (403) for a stdio command the operator has not allowed. Messages name
 * fields, never values of the secret.
 */
export function mcpTargetOf(connection: ResolvedConnection, options: IntegrationsOptions | undefined): McpTarget {
  const own = connection.typeSlug.startsWith('mcp-');
  const where = own ? 'config' : 'config.mcp';
  const server = own ? connection.config : connection.config.mcp;
  if (!isRecord(server)) throw invalid(connection, `${where} is required when transport is mcp`);
  const stdio = own ? connection.typeSlug === 'mcp-stdio' : typeof server.command === 'string';

  if (stdio) {
    const command = server.command;
    if (typeof command !== 'string' || command === '') throw invalid(connection, `${where}.command is required`);
    if (!stdioCommandAllowed(options, command)) {
      throw new ConnectionError(
        'MCP_COMMAND_NOT_ALLOWED',
        403,
        `connection ${connection.name} (${connection.id}): this deployment does not allow running "${command.slice(0, 200)}" as an MCP stdio server (MCP_STDIO_COMMANDS)`,
      );
    }
    const args = server.args ?? [];
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw invalid(connection, `${where}.args must be a list of strings`);
    const env = stringMap(server.env, `${where}.env`, connection);
    const secretEnv = stringMap(server.secretEnv, `${where}.secretEnv`, connection);
    for (const [name, field] of Object.entries(secretEnv)) env[name] = secretField(connection, field as SecretField, `${where}.secretEnv.${name}`);
    const cwd = server.cwd;
    if (cwd !== undefined && typeof cwd !== 'string') throw invalid(connection, `${where}.cwd must be a path`);
    return { transport: 'stdio', command, args: args as string[], env, cwd };
  }

  const raw = server.url;
  let url: URL;
  try {
    url = new URL(typeof raw === 'string' ? raw : '');
  } catch {
    throw invalid(connection, `${where}.url is required and must be a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(connection, `${where}.url must be an http(s) URL`);
  const sse = own ? connection.typeSlug === 'mcp-sse' : server.legacySse === true;
  const apiKeyHeader = typeof server.apiKeyHeader === 'string' ? server.apiKeyHeader : 'X-API-Key';
  return { transport: sse ? 'sse' : 'streamable-http', url, headers: authHeaders(connection, apiKeyHeader) };
}

function authHeaders(connection: ResolvedConnection, apiKeyHeader: string): Record<string, string> {
  const secret = connection.secret;
  switch (connection.authMethod) {
    case 'none':
      return {};
    case 'api_key':
      return { [apiKeyHeader]: secretOf(connection, 'api_key').apiKey };
    case 'basic': {
      const { username, password } = secretOf(connection, 'basic');
      return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
    }
    case 'bearer':
    case 'jwt':
      return { authorization: `Bearer ${secret && 'token' in secret ? secret.token : missing(connection, connection.authMethod)}` };
    case 'oauth2':
      throw invalid(connection, 'OAuth 2.0 is not supported for MCP servers yet (store a bearer token or an API key)');
  }
}

function secretOf<M extends ConnectionSecret['authMethod']>(connection: ResolvedConnection, method: M): Extract<ConnectionSecret, { authMethod: M }> {
  const secret = connection.secret;
  if (!secret || secret.authMethod !== method) return missing(connection, method);
  return secret as Extract<ConnectionSecret, { authMethod: M }>;
}

function secretField(connection: ResolvedConnection, field: SecretField, where: string): string {
  const secret = connection.secret as Record<string, unknown> | null;
  const value = secret?.[field];
  if (typeof value !== 'string' || value === '') throw invalid(connection, `${where}: the stored ${connection.authMethod} credential has no ${field}`);
  return value;
}

function stringMap(value: unknown, where: string, connection: ResolvedConnection): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string')) throw invalid(connection, `${where} must map names to strings`);
  return { ...(value as Record<string, string>) };
}

function missing(connection: ResolvedConnection, method: string): never {
  throw invalid(connection, `no ${method} credential is stored for this connection`);
}

function invalid(connection: ResolvedConnection, what: string): ConnectionError {
  return new ConnectionError('INVALID_CONFIG', 400, `connection ${connection.name} (${connection.id}): ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A provider call's budget as its MCP adapter receives it (ErpNextCallOptions, LinkedInCallOptions, RedditCallOptions). */
export interface ProviderMcpCallOptions {
  /** The pipeline attempt's limit (ms). */
  readonly headersTimeout?: number;
  /** The command's deadline (epoch ms), when it has one. */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
}

/**
 * The `callTool` of a provider's MCP adapter (transport mcp) for `resolved`: one pooled McpClient per connection and
 * version in `pool` (the worker closes the pool at shutdown), with no pipeline of its own: the worker's provider
 * pipeline already wraps each port call, so a tools/call is bounded by that attempt's limit (at most `timeoutMs`, the
 * connection's request budget, as over REST), the command's deadline, and the attempt's signal. `callToolResult`: an
 * isError result comes back for the adapter to classify as the provider's own error.
 * Throws ConnectionError INVALID_CONFIG / MCP_COMMAND_NOT_ALLOWED before anything is started.
 */
export function providerMcpCallTool(
  pool: McpClients,
  resolved: ResolvedConnection,
  options: { integrations: IntegrationsOptions | undefined; timeoutMs: number; clientName: string },
): (name: string, args: Record<string, unknown>, call: ProviderMcpCallOptions) => Promise<McpToolResult> {
  const { timeoutMs } = options;
  const target = mcpTargetOf(resolved, options.integrations);
  const session = pool.get(resolved.id, resolved.version ?? 'unversioned', () => ({
    target,
    connection: resolved.id,
    requestTimeoutMs: timeoutMs,
    clientInfo: { name: options.clientName, version: '1.0.0' },
  }));
  return async (name, args, call) => {
    const deadline = Math.min(call.deadline ?? Infinity, Date.now() + Math.min(call.headersTimeout ?? timeoutMs, timeoutMs));
    return (await session.callToolResult(name, args, { deadline, signal: call.signal })) as McpToolResult;
  };
}
