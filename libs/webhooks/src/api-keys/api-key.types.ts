import { ManagementError } from '@junction/contracts';
import { z } from 'zod';

export const ApiKeyScopes = ['admin', 'commands'] as const;
/** admin: /admin/* (endpoints, keys); commands: POST /commands. */
export type ApiKeyScope = (typeof ApiKeyScopes)[number];

export const apiKeyCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(z.enum(ApiKeyScopes))
    .min(1)
    .refine((scopes) => new Set(scopes).size === scopes.length, 'scopes must not repeat'),
  /**
   * mcp-gateway's "virtual server": the MCP tools this key may list and call, as globs (`*` = any run of characters:
   * `erp_customer_*`). Absent or empty: every tool.
   */
  mcpTools: z
    .array(z.string().regex(/^[A-Za-z0-9_.*\/-]{1,128}$/, 'a tool name or glob (letters, digits, _ - . / and *)'))
    .max(100)
    .optional(),
});
export type ApiKeyCreateInput = z.infer<typeof apiKeyCreateSchema>;

/** A key as listed: never the key, never its hash. */
export interface ApiKeyView {
  id: string;
  tenantId: string;
  name: string;
  scopes: ApiKeyScope[];
  /** MCP tool globs this key is limited to; empty = every tool. */
  mcpTools: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Who a valid key speaks for. */
export interface AuthenticatedApiKey {
  id: string;
  tenantId: string;
  scopes: ApiKeyScope[];
  /** MCP tool globs this key is limited to; empty = every tool. */
  mcpTools: string[];
}

/** What `ApiKeyService.verify` found: a key allowed for the scope, or why not (see there). */
export type ApiKeyVerification = { ok: true; key: AuthenticatedApiKey } | { ok: false; reason: 'INVALID_KEY' | 'MISSING_SCOPE' };

export type ApiKeyErrorCode = 'API_KEY_NOT_FOUND' | 'API_KEY_EXISTS' | 'VALIDATION_FAILED';

export class ApiKeyError extends ManagementError<ApiKeyErrorCode> {
  override readonly name = 'ApiKeyError';
}
