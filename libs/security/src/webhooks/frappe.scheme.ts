import { utf8Key, verifyBodySignature } from './hmac';
import { bodyString, identity } from './identity';
import type { WebhookScheme } from './webhook-scheme';

const HEADER = 'x-frappe-webhook-signature';

export const frappeScheme: WebhookScheme = {
  name: 'frappe',
  prepareKey: (secret) => utf8Key(secret, 'frappe'),

  // Frappe signs the body only (base64 HMAC-SHA256 with the webhook secret) and sends no timestamp.
  verify: (input) => verifyBodySignature(input, HEADER, 'base64'),

  /**
   * Frappe has no event id; a document's name plus its `modified` stamp names one version of it, which is
   * what a retry re-sends. The body is whatever fields the webhook is configured to send, so `doctype` and
   * `event` may be absent (one Frappe webhook serves one doctype anyway).
   */
  identify({ body, rawBody }) {
    const doctype = bodyString(body, 'doctype');
    const name = bodyString(body, 'name');
    const modified = bodyString(body, 'modified');
    const event = bodyString(body, 'event');
    const eventId = name === undefined || modified === undefined ? undefined : `${doctype === undefined ? '' : `${doctype}/`}${name}@${modified}`;
    const eventType = `${doctype ?? 'frappe'}${event === undefined ? '' : `.${event}`}`;
    return identity(eventId, eventType, { rawBody });
  },

  forwardedHeaders: ['user-agent'],
};
