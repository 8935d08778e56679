import { genericHmacOptionsSchema, type SchemeName, webhookSchemes } from '@junction/security';

/**
 * What endpoint validation needs from the signature schemes: a secret is usable when the scheme can turn it
 * into a key (the check ingress makes when it loads the endpoint), so a bad one is a 400 at save time rather
 * than INVALID_SIGNATURE on every delivery. The scheme's error message is not passed on: it may quote the secret.
 */
export function isUsableSecret(scheme: SchemeName, secret: string): boolean {
  try {
    webhookSchemes[scheme].prepareKey(secret);
    return true;
  } catch {
    return false;
  }
}

/** generic-hmac settings, as the scheme itself validates them. */
export const schemeOptionsSchema = genericHmacOptionsSchema;
