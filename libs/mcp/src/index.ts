export { McpClient, textOf, type McpCallScope, type McpClientOptions, type McpClientStats, type McpHealth, type McpHealthStatus } from './mcp-client';
export { McpClients } from './mcp-clients';
export { classifyMcpFailure, McpCallError, McpCodes, type McpCode } from './mcp-errors';
export { createTransport, describeTarget, type McpTarget } from './mcp-target';
