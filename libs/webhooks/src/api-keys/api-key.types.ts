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
});
export type ApiKeyCreateInput = z.infer<typeof apiKeyCreateSchema>;

/** A key as listed: never the key, never its hash. */
export interface ApiKeyView {
  id: string;
  tenantId: string;
  name: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Who a valid key speaks for. */
export interface AuthenticatedApiKey {
  id: string;
  tenantId: string;
  scopes: ApiKeyScope[];
}

/** What `ApiKeyService.verify` found: a key allowed for the scope, or why not (see there). */
export type ApiKeyVerification = { ok: true; key: AuthenticatedApiKey } | { ok: false; reason: 'INVALID_KEY' | 'MISSING_SCOPE' };

export type ApiKeyErrorCode = 'API_KEY_NOT_FOUND' | 'API_KEY_EXISTS' | 'VALIDATION_FAILED';

export class ApiKeyError extends ManagementError<ApiKeyErrorCode> {
  override readonly name = 'ApiKeyError';
}
