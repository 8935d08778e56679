import { z } from 'zod';
import { ConnectionError, ConnectionStatuses } from './connection.types';

/** Printable, no control characters: names show up in tables, logs and the CLI. */
const name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');
const CREDENTIAL_HELP =
  'write-only secret for the auth method: api_key {apiKey, apiSecret?}, basic {username, password}, bearer | jwt {token}, oauth2 {clientId, clientSecret}, none: omit';

/**
 * Checked by the service, not here (INVALID_CONFIG / INVALID_CREDENTIAL with the field path); documented as an
 * object in the OpenAPI schema.
 */
function jsonObject(description: string) {
  return z.unknown().meta({ type: 'object', description });
}

const isoDate = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/**
 * POST /admin/connections. `authMethod`, `config` and `credential` are checked by the service against the type
 * (stable codes UNKNOWN_AUTH_METHOD, INVALID_CONFIG, INVALID_CREDENTIAL), so they are only shapes here; zod never
 * sees the credential's content, so no validation message can echo a secret.
 */
export const connectionCreateSchema = z.strictObject({
  type: z.string().min(1).max(64).describe('integration type slug (GET /admin/integration-types)'),
  name: name.describe('unique per tenant'),
  authMethod: z.string().optional().describe('api_key | oauth2 | basic | bearer | jwt | none (default: the type’s first)'),
  config: jsonObject('settings valid against the type’s configSchema; defaults are filled in').optional(),
  credential: jsonObject(CREDENTIAL_HELP).optional(),
  credentialExpiresAt: isoDate.nullable().optional().describe('when the credential expires (shown, never enforced here)'),
  isDefault: z.boolean().optional().describe('the tenant’s default connection of its type (the first one is, unless false)'),
});
export type ConnectionCreateInput = z.infer<typeof connectionCreateSchema>;

/** PATCH /admin/connections/:id: `config` replaces the whole config (validated, defaults filled in). */
export const connectionUpdateSchema = z
  .strictObject({
    name: name.optional(),
    config: jsonObject('replaces the whole config; validated against the type’s configSchema').optional(),
    isDefault: z.boolean().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change (name, config, isDefault)');
export type ConnectionUpdateInput = z.infer<typeof connectionUpdateSchema>;

/** POST /admin/connections/:id/rotate-credential. */
export const credentialRotateSchema = z.strictObject({
  credential: jsonObject(CREDENTIAL_HELP),
  expiresAt: isoDate.nullable().optional(),
});
export type CredentialRotateInput = z.infer<typeof credentialRotateSchema>;

export const connectionListQuerySchema = z.strictObject({
  type: z.string().min(1).max(64).optional(),
  status: z.enum(ConnectionStatuses).optional(),
});

export const logsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: isoDate.optional(),
});

export const healthQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** Parses or throws VALIDATION_FAILED naming each path and rule (zod's messages name the rule, never the value). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new ConnectionError('VALIDATION_FAILED', 400, result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(body)'}: ${i.message}`).join('; '));
}
