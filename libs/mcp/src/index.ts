export { McpClient, textOf, type McpCallScope, type McpClientOptions, type McpClientStats, type McpHealth, type McpHealthStatus } from './mcp-client';
export { McpClients } from './mcp-clients';
export { classifyMcpFailure, isParseError, McpCallError, McpCodes, type McpCode } from './mcp-errors';
export { createTransport, describeTarget, printable, type McpTarget } from './mcp-target';
// The provider MCP servers and adapters (libs/connectors/<p>/src/mcp): hosting, entry, error classification, result reading.
export { serveProviderMcpHttp, type ProviderMcpHttpAuth, type ProviderMcpHttpOptions, type ProviderMcpHttpServer } from './provider/provider-mcp-http';
export {
  isLoopbackHost,
  PROVIDER_MCP_HTTP_ENV,
  runProviderMcpMain,
  type ProviderMcpBackend,
  type ProviderMcpEntry,
  type ProviderMcpMode,
  type ProviderMcpStartContext,
} from './provider/provider-mcp-main';
export {
  callFailureError,
  classifyCallFailure,
  classifyToolErrorText,
  malformedToolResult,
  PROVIDER_MCP_MAX_MESSAGE,
  TOOL_ERROR_TEXT_RULES,
  toolResultError,
  type CallFailureClass,
  type ProviderMcpCall,
  type ProviderMcpFrame,
  type ToolErrorTextRules,
} from './provider/provider-mcp-errors';
export { firstText, isRecord, readErrorMeta, structuredOutput, withoutUndefined, type McpToolResult, type ProviderMcpErrorMeta } from './provider/tool-result';
