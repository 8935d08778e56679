import { anyKeyMatches, checkTimestamp, fail, hmac, noKeys, readHeader } from './hmac';
import { bodyString, identity } from './identity';
import type { IncomingHeaders, WebhookScheme } from './webhook-scheme';

const SECRET_PREFIX = 'whsec_';

/** Svix sends the same protocol under `svix-*` names; the `webhook-*` set wins when any of it is present. */
function headerPrefix(headers: IncomingHeaders): 'webhook-' | 'svix-' {
  const standard = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].some((name) => readHeader(headers, name) !== undefined);
  return standard ? 'webhook-' : 'svix-';
}

/**
 * Node's base64 decoder skips characters it does not know, so a mistyped secret would silently become a
 * different key and every delivery would fail as INVALID_SIGNATURE. Only a value that re-encodes to itself
 * (padding optional) is taken.
 */
function decodeSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  const canonical = key.toString('base64');
  if (key.length === 0 || (canonical !== encoded && canonical.replace(/=+$/, '') !== encoded)) {
    throw new Error('standard-webhooks: the signing secret must be base64 (optionally after whsec_)');
  }
  return key;
}

export const standardWebhooksScheme: WebhookScheme = {
  name: 'standard-webhooks',
  prepareKey: decodeSecret,

  verify(input) {
    const prefix = headerPrefix(input.headers);
    // Several signatures are space-separated; a repeated header is joined the same way.
    const signatureHeader = readHeader(input.headers, `${prefix}signature`, ' ');
    if (signatureHeader === undefined) return fail('MISSING_SIGNATURE', `the ${prefix}signature header is missing`);
    const id = readHeader(input.headers, `${prefix}id`);
    if (id === undefined) return fail('MISSING_SIGNATURE', `the ${prefix}id header is missing`);
    const rawTimestamp = readHeader(input.headers, `${prefix}timestamp`);
    const checked = checkTimestamp(rawTimestamp, `${prefix}timestamp`, input);
    if (!checked.ok) return checked;
    // Entries of other versions (`v1a,…` asymmetric signatures) are skipped, not failed: a sender may add
    // them next to v1 and we only verify v1.
    const signatures = signatureHeader
      .split(/\s+/)
      .filter((entry) => entry.startsWith('v1,'))
      .map((entry) => entry.slice('v1,'.length));
    if (signatures.length === 0) return fail('INVALID_SIGNATURE', `${prefix}signature has no v1 signature`);
    if (input.keys.length === 0) return noKeys();
    const signed = [`${id}.${rawTimestamp}.`, input.rawBody];
    return anyKeyMatches(input.keys, signatures, 'base64', (key) => hmac('sha256', key, signed))
      ? { ok: true, timestamp: checked.timestamp }
      : fail('INVALID_SIGNATURE', `no v1 signature in ${prefix}signature matches the message under any active secret`);
  },

  identify: ({ headers, body, rawBody, timestamp }) =>
    identity(readHeader(headers, 'webhook-id') ?? readHeader(headers, 'svix-id'), bodyString(body, 'type'), { rawBody, timestamp }),

  forwardedHeaders: ['webhook-id', 'webhook-timestamp', 'svix-id', 'svix-timestamp'],
};
