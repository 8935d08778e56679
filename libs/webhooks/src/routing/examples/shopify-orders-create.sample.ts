import sample from './shopify-orders-create.fixture.json';

/**
 * A Shopify `orders/create` body shaped like Shopify's documented sample, as webhook-ingress would have parsed
 * it, for trying the example route (tests, demos). A fresh copy per call: change it freely.
 */
export function shopifyOrdersCreateSample(): Record<string, unknown> {
  return structuredClone(sample) as Record<string, unknown>;
}
