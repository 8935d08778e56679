import { anyKeyMatches, checkTimestamp, fail, hmac, noKeys, readHeader, readSignatureList, utf8Key } from './hmac';
import { bodyObject, bodyString, identity } from './identity';
import type { WebhookScheme } from './webhook-scheme';

const SIGNATURE = 'x-slack-signature';
const TIMESTAMP = 'x-slack-request-timestamp';
const PREFIX = 'v0=';

export const slackScheme: WebhookScheme = {
  name: 'slack',
  prepareKey: (secret) => utf8Key(secret, 'slack'),

  verify(input) {
    const values = readSignatureList(input.headers, SIGNATURE);
    if (values === undefined || values.length === 0) return fail('MISSING_SIGNATURE', 'the x-slack-signature header is missing');
    const rawTimestamp = readHeader(input.headers, TIMESTAMP);
    // Bolt accepts any future timestamp; we hold Slack to the endpoint's clock-skew allowance.
    const checked = checkTimestamp(rawTimestamp, 'x-slack-request-timestamp', input);
    if (!checked.ok) return checked;
    const signatures = values.filter((v) => v.startsWith(PREFIX)).map((v) => v.slice(PREFIX.length));
    if (signatures.length === 0) return fail('INVALID_SIGNATURE', 'x-slack-signature does not start with v0=');
    if (input.keys.length === 0) return noKeys();
    const signed = [`v0:${rawTimestamp}:`, input.rawBody];
    return anyKeyMatches(input.keys, signatures, 'hex', (key) => hmac('sha256', key, signed))
      ? { ok: true, timestamp: checked.timestamp }
      : fail('INVALID_SIGNATURE', 'x-slack-signature does not match the body under any active secret');
  },

  // Events API bodies carry event_id and event.type; slash commands are form-encoded with `command`;
  // anything else (interactivity payloads, url_verification without an id) is deduplicated by hash.
  identify({ body, rawBody, timestamp }) {
    const command = bodyString(body, 'command');
    const type =
      bodyString(bodyObject(body, 'event'), 'type') ?? bodyString(body, 'type') ?? (command === undefined ? undefined : `command:${command}`);
    return identity(bodyString(body, 'event_id'), type, { rawBody, timestamp, type: 'slack' });
  },

  forwardedHeaders: ['x-slack-request-timestamp', 'x-slack-retry-num', 'x-slack-retry-reason'],
};
