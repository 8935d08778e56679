import type { OAuthOptions } from './oauth/oauth.options';

/** Operator settings of the integration system (env of the app that imports IntegrationsModule.forRoot). */
export interface IntegrationsOptions {
  /** The OAuth flow and token manager (webhook-ingress: publicBaseUrl from PUBLIC_BASE_URL). */
  oauth?: OAuthOptions;
  /**
   * The commands an `mcp-stdio` connection may run (MCP_STDIO_COMMANDS), compared exactly with `config.command`.
   * Empty (the default): no stdio MCP server can be added or tested. A stdio connection runs a process on the
   * Junction host, so a tenant's admin key must not be able to choose any command: the operator allows each one.
   */
  mcpStdioCommands?: readonly string[];
}

export const INTEGRATIONS_OPTIONS = Symbol('INTEGRATIONS_OPTIONS');

/** MCP_STDIO_COMMANDS: comma-separated; blanks ignored. */
export function parseCommandList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((command) => command.trim())
    .filter(Boolean);
}

/** Whether `command` may run as an MCP stdio server under these options. */
export function stdioCommandAllowed(options: IntegrationsOptions | undefined, command: unknown): boolean {
  return typeof command === 'string' && (options?.mcpStdioCommands ?? []).includes(command);
}
