import { anyKeyMatches, fail, hmac, noKeys, readHeader, readSignatureList, utf8Key } from './hmac';
import { bodyString, identity } from './identity';
import type { WebhookScheme } from './webhook-scheme';

const HEADER = 'x-hub-signature-256';
const PREFIX = 'sha256=';

export const githubScheme: WebhookScheme = {
  name: 'github',
  prepareKey: (secret) => utf8Key(secret, 'github'),

  // No timestamp: GitHub signs only the body, so replays are caught by deduplicating on X-GitHub-Delivery.
  // The legacy SHA-1 `x-hub-signature` is deliberately ignored, even when it is the only one sent.
  verify(input) {
    const values = readSignatureList(input.headers, HEADER);
    if (values === undefined || values.length === 0) return fail('MISSING_SIGNATURE', 'the x-hub-signature-256 header is missing');
    const signatures = values.filter((v) => v.startsWith(PREFIX)).map((v) => v.slice(PREFIX.length));
    if (signatures.length === 0) return fail('INVALID_SIGNATURE', 'x-hub-signature-256 does not start with sha256=');
    if (input.keys.length === 0) return noKeys();
    return anyKeyMatches(input.keys, signatures, 'hex', (key) => hmac('sha256', key, [input.rawBody]))
      ? { ok: true }
      : fail('INVALID_SIGNATURE', 'x-hub-signature-256 does not match the body under any active secret');
  },

  identify({ headers, body, rawBody }) {
    const event = readHeader(headers, 'x-github-event');
    const action = bodyString(body, 'action');
    const type = event === undefined ? undefined : action === undefined ? event : `${event}.${action}`;
    return identity(readHeader(headers, 'x-github-delivery'), type, { rawBody });
  },

  forwardedHeaders: [
    'x-github-event',
    'x-github-delivery',
    'x-github-hook-id',
    'x-github-hook-installation-target-type',
    'x-github-hook-installation-target-id',
    'user-agent',
  ],
};
