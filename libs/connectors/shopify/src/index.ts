export { ShopifySandbox, SHOPIFY_INVALID_TOKEN, SHOPIFY_THROTTLED } from './sandbox/shopify.sandbox';
export type { ShopifySandboxOptions, ShopifyLedgerEntry, ShopifyLocation } from './sandbox/shopify.sandbox';
export { LeakyBucket } from './sandbox/leaky-bucket';
export type {
  OrderSeed,
  ProductSeed,
  ShopifyInventoryLevel,
  ShopifyOrder,
  ShopifyProduct,
  ShopifyVariant,
} from './sandbox/shopify-seed';
