/** Resources the sandbox stores, shaped like Admin REST (a subset of fields), and factories for seeding. */
export interface ShopifyVariant {
  id: number;
  product_id: number;
  title: string;
  sku: string;
  price: string;
  inventory_item_id: number;
  inventory_quantity: number;
  admin_graphql_api_id: string;
}

export interface ShopifyProduct {
  id: number;
  title: string;
  handle: string;
  vendor: string;
  product_type: string;
  status: 'active' | 'archived' | 'draft';
  created_at: string;
  updated_at: string;
  variants: ShopifyVariant[];
  admin_graphql_api_id: string;
}

export interface ShopifyOrder {
  id: number;
  name: string;
  email: string;
  /** open = not closed and not cancelled (the list's default `status`). */
  closed_at: string | null;
  cancelled_at: string | null;
  financial_status: 'pending' | 'paid' | 'refunded';
  currency: string;
  total_price: string;
  created_at: string;
  updated_at: string;
  line_items: { id: number; variant_id: number; quantity: number; price: string }[];
  admin_graphql_api_id: string;
}

export interface ShopifyInventoryLevel {
  inventory_item_id: number;
  location_id: number;
  available: number | null;
  updated_at: string;
  admin_graphql_api_id: string;
}

export interface ProductSeed {
  title?: string;
  vendor?: string;
  status?: ShopifyProduct['status'];
  variants?: { title?: string; sku?: string; price?: string; available?: number }[];
}

export interface OrderSeed {
  email?: string;
  status?: 'open' | 'closed' | 'cancelled';
  financial_status?: ShopifyOrder['financial_status'];
  line_items?: { variant_id: number; quantity: number; price?: string }[];
}

/** Shopify timestamps: ISO 8601 with the shop's offset; the sandbox shop lives in UTC. */
export function shopifyTimestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export function handleize(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Pick `fields=a,b` from a resource, in the requested order (unknown names ignored, as Shopify does). */
export function pickFields<T extends object>(row: T, fields: string | null): Partial<T> {
  if (!fields) return row;
  const out: Record<string, unknown> = {};
  for (const f of fields.split(',').map((s) => s.trim())) {
    if (f in row) out[f] = (row as Record<string, unknown>)[f];
  }
  return out as Partial<T>;
}
