import { z } from 'zod';
import { type GenericHmacOptions, type SchemeName } from '@junction/security';

/**
 * What endpoint validation needs from the signature schemes, in one place: whether a secret is usable by a
 * scheme, and the generic-hmac options schema. Until libs/security exports `webhookSchemes` and
 * `genericHmacOptionsSchema`, these are local equivalents; switching means replacing the two bodies below.
 */
export function isUsableSecret(scheme: SchemeName, secret: string): boolean {
  // Standard Webhooks secrets are `whsec_<base64>`; the scheme decodes them, so a bad one must fail here.
  if (scheme === 'standard-webhooks') {
    const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
    return /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && Buffer.from(encoded, 'base64').length > 0;
  }
  return secret.trim().length > 0;
}

const headerName = z.string().regex(/^[a-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'a lower-case HTTP header name');

export const schemeOptionsSchema: z.ZodType<GenericHmacOptions> = z.strictObject({
  signatureHeader: headerName,
  algorithm: z.enum(['sha1', 'sha256', 'sha512']),
  encoding: z.enum(['hex', 'base64']),
  prefix: z.string().min(1).max(50).optional(),
  timestampHeader: headerName.optional(),
  signedPayload: z.string().min(1).max(200).includes('{body}', { message: 'must contain {body}' }).optional(),
  idHeader: headerName.optional(),
  typeHeader: headerName.optional(),
  typeField: z.string().min(1).max(100).optional(),
});
