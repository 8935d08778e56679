import { frappeScheme } from './frappe.scheme';
import { genericHmacScheme } from './generic-hmac.scheme';
import { githubScheme } from './github.scheme';
import { shopifyScheme } from './shopify.scheme';
import { slackScheme } from './slack.scheme';
import { standardWebhooksScheme } from './standard-webhooks.scheme';
import { stripeScheme } from './stripe.scheme';
import type { SchemeName, WebhookScheme } from './webhook-scheme';

export { genericHmacOptionsSchema } from './generic-hmac.scheme';

/** Every scheme by the name stored in `webhook_endpoint.scheme`. */
export const webhookSchemes: Readonly<Record<SchemeName, WebhookScheme>> = Object.freeze({
  stripe: stripeScheme,
  github: githubScheme,
  shopify: shopifyScheme,
  slack: slackScheme,
  'standard-webhooks': standardWebhooksScheme,
  frappe: frappeScheme,
  'generic-hmac': genericHmacScheme,
});
