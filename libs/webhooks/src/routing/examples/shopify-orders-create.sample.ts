import sample from './shopify-orders-create.fixture.json';

/**
 * A Shopify `orders/create` body shaped like Shopify's documented sample, as webhook-ingress would have parsed
 * it, for trying the example route (tests, demos). A fresh copy per call: change it freely.
 */
export function shopifyOrdersCreateSample(): Record<string, unknown> {
  return structuredClone(sample) as Record<string, unknown>;
}

/** What the example route makes of that sample: the `erp.sales-order.create` payload. */
export const shopifyOrdersCreateSampleCommand = {
  externalRef: 'shopify:5654845784239',
  customerName: 'Shipping Company',
  transactionDate: '2021-12-31',
  deliveryDate: '2021-12-31',
  currency: 'USD',
  email: 'jon@example.com',
  items: [
    { itemCode: 'IPOD2008PINK', itemName: 'IPod Nano - 8GB', qty: 1, rate: 199 },
    { itemCode: 'SHOPIFY-44236723191988', itemName: 'IPod Nano - 8GB', qty: 1, rate: 199 },
  ],
  grandTotal: 403,
} as const;
