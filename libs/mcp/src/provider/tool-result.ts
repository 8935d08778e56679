/**
 * Reading a `tools/call` result for the provider adapters (ErpNextMcpClient, LinkedInMcpClient, RedditMcpClient):
 * its structured output, its first text block, and the classification an error result carries in `_meta`. The
 * adapters take a plain `callTool` function, so they read results structurally, not as the SDK's types.
 */
import { ErrorClasses, type ErrorClass } from '@junction/resilience';

/** A `tools/call` result as the adapters read it (structurally the SDK's CallToolResult, without depending on it). */
export interface McpToolResult {
  content: unknown[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
}

/** `_meta` of an error result from Junction's provider servers: how the server classified the failure, so the adapter need not guess from text. */
export interface ProviderMcpErrorMeta {
  httpStatus?: number;
  errorClass: string;
  retryAfterMs?: number;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function firstText(result: McpToolResult): string | undefined {
  const block = Array.isArray(result.content) ? result.content.find((c) => isRecord(c) && c.type === 'text' && typeof c.text === 'string') : undefined;
  return block ? String((block as { text: string }).text) : undefined;
}

/** `structuredContent`, else the first text block parsed as JSON (servers without structured output); undefined if neither. */
export function structuredOutput(result: McpToolResult): unknown {
  if (isRecord(result.structuredContent)) return result.structuredContent;
  const text = firstText(result);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** How the server classified an error result (`_meta.httpStatus`, `_meta.errorClass`, `_meta.retryAfterMs`); what is not ours is left out. */
export function readErrorMeta(result: McpToolResult): { status?: number; errorClass?: ErrorClass; retryAfterMs?: number } {
  const meta = isRecord(result._meta) ? result._meta : {};
  return {
    status: typeof meta.httpStatus === 'number' ? meta.httpStatus : undefined,
    errorClass: typeof meta.errorClass === 'string' && meta.errorClass in ErrorClasses ? (meta.errorClass as ErrorClass) : undefined,
    retryAfterMs: typeof meta.retryAfterMs === 'number' && meta.retryAfterMs >= 0 ? meta.retryAfterMs : undefined,
  };
}

/** Tool arguments without the keys left undefined. */
export function withoutUndefined<T extends Record<string, unknown>>(value: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
