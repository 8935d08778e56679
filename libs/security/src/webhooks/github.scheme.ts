import { readHeader, utf8Key, verifyBodySignature } from './hmac';
import { bodyString, identity } from './identity';
import type { WebhookScheme } from './webhook-scheme';

const HEADER = 'x-hub-signature-256';
const PREFIX = 'sha256=';

export const githubScheme: WebhookScheme = {
  name: 'github',
  prepareKey: (secret) => utf8Key(secret, 'github'),

  // No timestamp: GitHub signs only the body, so replays are caught by deduplicating on X-GitHub-Delivery.
  // The legacy SHA-1 `x-hub-signature` is deliberately ignored, even when it is the only one sent.
  verify: (input) => verifyBodySignature(input, HEADER, 'hex', PREFIX),

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
