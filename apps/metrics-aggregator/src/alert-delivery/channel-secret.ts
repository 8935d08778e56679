import { randomBytes } from 'node:crypto';

const WHSEC = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes (the spec allows 24 to 64). */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** True for `whsec_<base64 of 24..64 bytes>`, the form the standardwebhooks libraries accept. */
export function isSigningSecret(value: string): boolean {
  const match = WHSEC.exec(value);
  if (!match) return false;
  const bytes = Buffer.from(match[1]!, 'base64');
  return bytes.length >= 24 && bytes.length <= 64 && bytes.toString('base64') === match[1];
}

/**
 * What may be shown of a Slack incoming-webhook URL, whose path is the credential:
 * `hooks.slack.com/services/T***`. Never more than the host, the first path segment and one character.
 */
export function maskSecretUrl(url: string): string {
  try {
    const u = new URL(url);
    const [first, second] = u.pathname.split('/').filter(Boolean);
    return `${u.host}${first ? `/${first}` : ''}/${second ? second[0] : ''}***`;
  } catch {
    return '***';
  }
}

/** `text` with every secret (and a URL secret's path) replaced: for error lines that quote what a peer said. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    out = out.split(secret).join('***');
    const path = pathOf(secret);
    if (path && path.length > 8) out = out.split(path).join('/***');
  }
  return out;
}

function pathOf(value: string): string | undefined {
  try {
    return new URL(value).pathname;
  } catch {
    return undefined;
  }
}
