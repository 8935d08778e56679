import { z } from 'zod';
import { baseEnvSchema, refineBaseEnv } from '@junction/platform';
import { parseKeyRing } from '@junction/security';

const KEK_FORMAT = '"<id>:<base64 of 32 bytes>[,<id>:<base64>…]"';

export const ingressEnvSchema = baseEnvSchema
  .extend({
    /**
     * A `jk_…` key: only a hint for the standalone banner, checked like any stored key (api_key), so revoking it
     * works. Any other value: a plain Bearer key for POST /commands, acting for TENANT_ID (no scopes, no revocation
     * short of removing it). Unset: /commands takes stored keys with the commands scope only.
     */
    JUNCTION_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
    /**
     * Key-encryption keys for webhook secrets at rest: `<id>:<base64 32 bytes>[,<id>:<base64>…]`, the first one
     * active. The message never repeats the value: it is key material.
     */
    JUNCTION_KEK: z
      .string({ error: `required: ${KEK_FORMAT}, e.g. main:$(openssl rand -base64 32)` })
      .refine(isKeyRing, `must be ${KEK_FORMAT} (id: letters, digits, ".", "_" or "-"; ids unique)`),
  })
  .superRefine(refineBaseEnv);

function isKeyRing(value: string): boolean {
  try {
    parseKeyRing(value);
    return true;
  } catch {
    return false;
  }
}

export type IngressEnv = z.infer<typeof ingressEnvSchema>;
