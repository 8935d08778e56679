import { z } from 'zod';
import { baseEnvSchema, refineBaseEnv } from '@junction/platform';
import { isKeyRing } from '@junction/security';

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
     * Where browsers reach this app (scheme, host, optional path prefix): OAuth redirect URIs are
     * `${PUBLIC_BASE_URL}/oauth/callback` and must be registered with the provider. Default http://localhost:<PORT>.
     */
    /**
     * Commands an `mcp-stdio` connection may run, comma-separated, compared exactly with its `config.command`
     * (e.g. `/usr/local/bin/erpnext-mcp,/opt/mcp/github-server`). Unset: no stdio MCP server can be added or tested,
     * since it runs a process on this host with whatever arguments a tenant's admin key sets.
     */
    MCP_STDIO_COMMANDS: z.string().optional(),
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://junction.example.com' }).optional(),
    /**
     * Key-encryption keys for webhook secrets at rest: `<id>:<base64 32 bytes>[,<id>:<base64>…]`, the first one
     * active. The message never repeats the value: it is key material.
     */
    JUNCTION_KEK: z
      .string({ error: `required: ${KEK_FORMAT}, e.g. main:$(openssl rand -base64 32)` })
      .refine(isKeyRing, `must be ${KEK_FORMAT} (id: letters, digits, ".", "_" or "-"; ids unique)`),
  })
  .superRefine(refineBaseEnv);

export type IngressEnv = z.infer<typeof ingressEnvSchema>;

/** PUBLIC_BASE_URL, or this process on localhost (the port it listens on; 3000 when PORT is unset). */
export function publicBaseUrl(env: Pick<IngressEnv, 'PUBLIC_BASE_URL' | 'PORT'>, defaultPort = 3000): string {
  return (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT ?? defaultPort}`).replace(/\/+$/, '');
}
