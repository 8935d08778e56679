import { z } from 'zod';
import { Topics } from '../topics/topics';
import { defineMessage } from './define-message';

/**
 * Header of a `webhooks.received` message whose endpoint had routing rules when the event was received (the
 * number of rules): webhook-ingress's router consumes only those, so routes apply to events received after
 * they were saved.
 */
export const webhookRoutesHeader = 'x-webhook-routes';

/**
 * A provider's webhook, verified and committed to the inbox by webhook-ingress. `payload` is the provider's
 * body as parsed JSON (form-encoded bodies become an object of strings); only allow-listed headers travel.
 */
export const webhooksReceived = defineMessage({
  type: 'webhooks.received',
  kind: 'event',
  topic: Topics.webhooksReceived,
  version: 1,
  payload: z.strictObject({
    endpointId: z.string().min(1).max(64),
    provider: z.string().min(1).max(64),
    /** The provider's event type (Stripe `type`, `X-GitHub-Event`, `X-Shopify-Topic`, …). */
    eventType: z.string().min(1).max(200),
    /** The provider's event id, unique per endpoint (or a hash of timestamp + body where the scheme has none). */
    eventId: z.string().min(1).max(300),
    receivedAt: z.iso.datetime({ offset: true }),
    /** The scheme's allow-listed headers (lower-case names); never a signature or an authorization header. */
    headers: z.record(z.string(), z.string()),
    payload: z.unknown(),
  }),
  // No entityKey: providers do not promise order, and routing one endpoint's events in parallel is faster.
});
