/**
 * A fake Shopify Admin REST API (facts in /work/shared/PROVIDERS.md): access-token auth, the leaky-bucket
 * limiter with its header and 429, cursor paging through `Link`, products, orders and inventory levels.
 * One sandbox is one shop; each access token is one app installation with its own bucket.
 */
import { STATUS_CODES } from 'node:http';
import { SandboxServer, type SandboxRequest, type SandboxResponse } from '@junction/connectors/sandbox-kit';
import { LeakyBucket } from './leaky-bucket';
import { decodeCursor, linkHeader, paginate, type PageCursor } from './shopify-paging';
import {
  handleize,
  pickFields,
  shopifyTimestamp,
  type OrderSeed,
  type ProductSeed,
  type ShopifyInventoryLevel,
  type ShopifyOrder,
  type ShopifyProduct,
} from './shopify-seed';

export interface ShopifySandboxOptions {
  /** Tokens accepted in `X-Shopify-Access-Token` (default ['shpat_sandbox']); each has its own bucket. */
  accessTokens?: string[];
  shopDomain?: string;
  /** Standard plan: 40 @ 2/s; Plus: 400 @ 20/s. */
  bucket?: { capacity: number; leakPerSecond: number };
  now?: () => Date;
  random?: () => number;
}

export interface ShopifyLocation {
  id: number;
  name: string;
  active: boolean;
}

export interface ShopifyLedgerEntry {
  at: Date;
  action: 'inventory_level.set';
  inventory_item_id: number;
  location_id: number;
  previous: number | null;
  available: number;
}

export const SHOPIFY_INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';
export const SHOPIFY_THROTTLED = 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.';

const PAGING_DOC = 'See https://shopify.dev/api/usage/pagination-rest for more information.';
const LIST_PARAMS = {
  products: ['ids', 'since_id', 'status', 'vendor'],
  orders: ['ids', 'since_id', 'status', 'financial_status'],
} as const;

type Reply = SandboxResponse;
const reply = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({ status, body, headers });
const bad = (errors: unknown, status = 400): Reply => reply(status, { errors });

export class ShopifySandbox extends SandboxServer {
  readonly ledger: ShopifyLedgerEntry[] = [];
  readonly shopDomain: string;

  private readonly buckets = new Map<string, LeakyBucket>();
  private readonly defaultToken: string;
  private readonly now: () => Date;
  private products: ShopifyProduct[] = [];
  private orders: ShopifyOrder[] = [];
  private locations: ShopifyLocation[] = [];
  /** `${inventory_item_id}:${location_id}` → level. */
  private levels = new Map<string, ShopifyInventoryLevel>();
  private nextId = 1;

  constructor(options: ShopifySandboxOptions = {}) {
    super({ now: options.now, random: options.random });
    this.now = options.now ?? (() => new Date());
    this.shopDomain = options.shopDomain ?? 'sandbox-shop.myshopify.com';
    const tokens = options.accessTokens ?? ['shpat_sandbox'];
    this.defaultToken = tokens[0] ?? 'shpat_sandbox';
    const { capacity, leakPerSecond } = options.bucket ?? { capacity: 40, leakPerSecond: 2 };
    for (const token of tokens) this.buckets.set(token, new LeakyBucket(capacity, leakPerSecond, () => this.now().getTime()));
    this.seedDefaults();
  }

  /** The first access token's bucket (`used`, `capacity`, `header()`), for assertions. */
  get bucket(): LeakyBucket {
    return this.bucketFor(this.defaultToken);
  }

  bucketFor(accessToken: string): LeakyBucket {
    const bucket = this.buckets.get(accessToken);
    if (!bucket) throw new Error(`unknown access token ${accessToken}`);
    return bucket;
  }

  /** Forgets resources, ledger, buckets, request log and faults; re-creates the default location. */
  override reset(): void {
    super.reset();
    this.ledger.length = 0;
    this.products = [];
    this.orders = [];
    this.locations = [];
    this.levels.clear();
    this.nextId = 1;
    for (const bucket of this.buckets.values()) bucket.reset();
    this.seedDefaults();
  }

  // ---- seeding and inspection (not HTTP) -------------------------------------------------------------

  get defaultLocation(): ShopifyLocation {
    return this.locations[0]!;
  }

  addLocation(name: string): ShopifyLocation {
    const location = { id: this.id(70_000_000_000), name, active: true };
    this.locations.push(location);
    return { ...location };
  }

  /** `n` numbered products ("Product 001", one variant, 10 available at the default location) or explicit seeds. */
  seedProducts(seeds: number | ProductSeed[]): ShopifyProduct[] {
    const list: ProductSeed[] = typeof seeds === 'number'
      ? Array.from({ length: seeds }, (_, i) => ({ title: `Product ${String(this.products.length + i + 1).padStart(3, '0')}` }))
      : seeds;
    return list.map((seed) => this.addProduct(seed));
  }

  seedOrders(seeds: number | OrderSeed[]): ShopifyOrder[] {
    const list: OrderSeed[] = typeof seeds === 'number' ? Array.from({ length: seeds }, () => ({})) : seeds;
    return list.map((seed) => this.addOrder(seed));
  }

  listProducts(): ShopifyProduct[] {
    return structuredClone(this.products);
  }

  listOrders(): ShopifyOrder[] {
    return structuredClone(this.orders);
  }

  inventoryLevel(inventoryItemId: number, locationId = this.defaultLocation.id): ShopifyInventoryLevel | undefined {
    const level = this.levels.get(`${inventoryItemId}:${locationId}`);
    return level && { ...level };
  }

  // ---- HTTP ------------------------------------------------------------------------------------------

  protected handle(request: SandboxRequest): Reply {
    const match = /^\/admin\/api\/([^/]+)\/(.+)$/.exec(request.url.pathname);
    if (!match) return bad('Not Found', 404);
    const token = request.headers['x-shopify-access-token'];
    const bucket = typeof token === 'string' ? this.buckets.get(token) : undefined;
    if (!bucket) return bad(SHOPIFY_INVALID_TOKEN, 401);

    if (!bucket.tryTake()) {
      return reply(429, { errors: SHOPIFY_THROTTLED }, { 'retry-after': '2.0', 'x-shopify-shop-api-call-limit': bucket.header() });
    }
    const [, version, rest] = match as unknown as [string, string, string];
    const response = /^(\d{4}-\d{2}|unstable)$/.test(version) ? this.route(request, rest) : bad('Not Found', 404);
    response.headers = { ...response.headers, 'x-shopify-shop-api-call-limit': bucket.header(), 'x-shopify-api-version': version };
    return response;
  }

  protected override faultResponse(status: number, retryAfter?: string): Reply {
    const headers: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': retryAfter };
    if (status === 429) return reply(429, { errors: SHOPIFY_THROTTLED }, { 'retry-after': '2.0', ...headers });
    return reply(status, { errors: STATUS_CODES[status] ?? 'Error' }, headers);
  }

  private route(request: SandboxRequest, rest: string): Reply {
    const { method, url } = request;
    const base = `http://${request.headers.host ?? 'sandbox'}${url.pathname}`;
    if (method === 'GET' && rest === 'shop.json') return reply(200, { shop: this.shop() });
    if (method === 'GET' && rest === 'products.json') return this.list('products', this.products, url.searchParams, base);
    if (method === 'GET' && rest === 'orders.json') return this.list('orders', this.orders, url.searchParams, base);
    if (method === 'GET' && rest === 'locations.json') return reply(200, { locations: this.locations });
    if (method === 'GET' && rest === 'inventory_levels.json') return this.getLevels(url.searchParams);
    if (method === 'POST' && rest === 'inventory_levels/set.json') return this.setLevel(request.body);
    const product = /^products\/(\d+)\.json$/.exec(rest);
    if (method === 'GET' && product) {
      const found = this.products.find((p) => p.id === Number(product[1]));
      return found ? reply(200, { product: pickFields(found, url.searchParams.get('fields')) }) : bad('Not Found', 404);
    }
    return bad('Not Found', 404);
  }

  /** The shop resource (a subset of Shopify's fields): what a connection test reads. */
  private shop(): Record<string, unknown> {
    const name = this.shopDomain.replace(/\.myshopify\.com$/, '');
    return {
      id: 1,
      name,
      email: `owner@${this.shopDomain}`,
      domain: this.shopDomain,
      myshopify_domain: this.shopDomain,
      plan_name: 'basic',
      plan_display_name: 'Basic',
      currency: 'USD',
      iana_timezone: 'UTC',
      primary_location_id: this.locations[0]?.id ?? null,
    };
  }

  private list<T extends ShopifyProduct | ShopifyOrder>(
    resource: keyof typeof LIST_PARAMS,
    all: T[],
    params: URLSearchParams,
    base: string,
  ): Reply {
    const limitParam = params.get('limit');
    const limit = limitParam === null ? 50 : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > 250) return bad({ limit: 'Invalid value.' });

    let cursor: PageCursor | undefined;
    const pageInfo = params.get('page_info');
    let filters: Record<string, string>;
    if (pageInfo !== null) {
      const extra = [...params.keys()].find((k) => k !== 'page_info' && k !== 'limit' && k !== 'fields');
      if (extra) return bad({ [extra]: `${extra} cannot be passed when page_info is present. ${PAGING_DOC}` });
      cursor = decodeCursor(pageInfo);
      if (!cursor) return bad({ page_info: 'Invalid value.' });
      filters = cursor.filters;
    } else {
      filters = {};
      for (const key of LIST_PARAMS[resource]) {
        const value = params.get(key);
        if (value !== null) filters[key] = value;
      }
    }

    const rows = resource === 'orders' ? this.filterOrders(all as ShopifyOrder[], filters) : this.filterProducts(all as ShopifyProduct[], filters);
    const page = paginate(rows as T[], limit, filters, cursor);
    const link = linkHeader(base, limitParam, page);
    const fields = params.get('fields');
    return reply(200, { [resource]: page.items.map((r) => pickFields(r, fields)) }, link ? { link } : {});
  }

  /** Products: id ascending. */
  private filterProducts(all: ShopifyProduct[], f: Record<string, string>): ShopifyProduct[] {
    const ids = f.ids?.split(',').map(Number);
    return all.filter(
      (p) =>
        (!ids || ids.includes(p.id)) &&
        (!f.since_id || p.id > Number(f.since_id)) &&
        (!f.status || f.status.split(',').includes(p.status)) &&
        (!f.vendor || p.vendor === f.vendor),
    );
  }

  /** Orders: newest first; `status` defaults to open (a classic surprise: closed orders need status=any). */
  private filterOrders(all: ShopifyOrder[], f: Record<string, string>): ShopifyOrder[] {
    const ids = f.ids?.split(',').map(Number);
    const status = f.status ?? 'open';
    const financial = f.financial_status ?? 'any';
    const matchesStatus = (o: ShopifyOrder) =>
      status === 'any' ||
      (status === 'open' && !o.closed_at && !o.cancelled_at) ||
      (status === 'closed' && !!o.closed_at) ||
      (status === 'cancelled' && !!o.cancelled_at);
    return all
      .filter(
        (o) =>
          (!ids || ids.includes(o.id)) &&
          (!f.since_id || o.id > Number(f.since_id)) &&
          matchesStatus(o) &&
          (financial === 'any' || o.financial_status === financial),
      )
      .sort((a, b) => b.id - a.id);
  }

  private getLevels(params: URLSearchParams): Reply {
    const items = params.get('inventory_item_ids')?.split(',').map(Number);
    const locations = params.get('location_ids')?.split(',').map(Number);
    if (!items && !locations) return bad({ base: ['inventory_item_ids or location_ids must be present'] }, 422);
    const limit = Number(params.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 250) return bad({ limit: 'Invalid value.' });
    const levels = [...this.levels.values()].filter(
      (l) => (!items || items.includes(l.inventory_item_id)) && (!locations || locations.includes(l.location_id)),
    );
    return reply(200, { inventory_levels: levels.slice(0, limit) });
  }

  private setLevel(raw: string): Reply {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return bad('Bad Request');
    }
    for (const key of ['location_id', 'inventory_item_id', 'available'] as const) {
      if (!Number.isInteger(body[key])) return bad({ [key]: 'Required parameter missing or invalid' });
    }
    const itemId = body.inventory_item_id as number;
    const locationId = body.location_id as number;
    const variant = this.products.flatMap((p) => p.variants).find((v) => v.inventory_item_id === itemId);
    if (!variant || !this.locations.some((l) => l.id === locationId)) return bad('Not Found', 404);

    const at = this.now();
    const key = `${itemId}:${locationId}`;
    const previous = this.levels.get(key)?.available ?? null;
    const level: ShopifyInventoryLevel = {
      inventory_item_id: itemId,
      location_id: locationId,
      available: body.available as number,
      updated_at: shopifyTimestamp(at),
      admin_graphql_api_id: `gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${itemId}`,
    };
    this.levels.set(key, level);
    variant.inventory_quantity = this.totalAvailable(itemId);
    this.ledger.push({ at, action: 'inventory_level.set', inventory_item_id: itemId, location_id: locationId, previous, available: level.available! });
    return reply(200, { inventory_level: level });
  }

  // ---- internals -------------------------------------------------------------------------------------

  private seedDefaults(): void {
    this.addLocation('Main warehouse');
  }

  /** Shopify ids are large integers; keep each resource in its own range so ids never collide. */
  private id(base: number): number {
    return base + this.nextId++;
  }

  private totalAvailable(itemId: number): number {
    return [...this.levels.values()].filter((l) => l.inventory_item_id === itemId).reduce((sum, l) => sum + (l.available ?? 0), 0);
  }

  private addProduct(seed: ProductSeed): ShopifyProduct {
    const stamp = shopifyTimestamp(this.now());
    const id = this.id(8_000_000_000);
    const title = seed.title ?? `Product ${id}`;
    const product: ShopifyProduct = {
      id,
      title,
      handle: handleize(title),
      vendor: seed.vendor ?? 'Junction Sandbox',
      product_type: '',
      status: seed.status ?? 'active',
      created_at: stamp,
      updated_at: stamp,
      variants: [],
      admin_graphql_api_id: `gid://shopify/Product/${id}`,
    };
    for (const v of seed.variants ?? [{}]) {
      const variantId = this.id(40_000_000_000);
      const inventoryItemId = this.id(45_000_000_000);
      product.variants.push({
        id: variantId,
        product_id: id,
        title: v.title ?? 'Default Title',
        sku: v.sku ?? `SKU-${variantId}`,
        price: v.price ?? '10.00',
        inventory_item_id: inventoryItemId,
        inventory_quantity: 0,
        admin_graphql_api_id: `gid://shopify/ProductVariant/${variantId}`,
      });
      const location = this.defaultLocation.id;
      this.levels.set(`${inventoryItemId}:${location}`, {
        inventory_item_id: inventoryItemId,
        location_id: location,
        available: v.available ?? 10,
        updated_at: stamp,
        admin_graphql_api_id: `gid://shopify/InventoryLevel/${location}?inventory_item_id=${inventoryItemId}`,
      });
      product.variants[product.variants.length - 1]!.inventory_quantity = v.available ?? 10;
    }
    this.products.push(product);
    return structuredClone(product);
  }

  private addOrder(seed: OrderSeed): ShopifyOrder {
    const stamp = shopifyTimestamp(this.now());
    const id = this.id(5_000_000_000);
    const lines = (seed.line_items ?? []).map((l) => ({ id: this.id(13_000_000_000), variant_id: l.variant_id, quantity: l.quantity, price: l.price ?? '10.00' }));
    const total = lines.reduce((sum, l) => sum + Number(l.price) * l.quantity, 0);
    const order: ShopifyOrder = {
      id,
      name: `#${1000 + this.orders.length + 1}`,
      email: seed.email ?? `buyer${this.orders.length + 1}@example.com`,
      closed_at: seed.status === 'closed' ? stamp : null,
      cancelled_at: seed.status === 'cancelled' ? stamp : null,
      financial_status: seed.financial_status ?? 'paid',
      currency: 'EUR',
      total_price: total.toFixed(2),
      created_at: stamp,
      updated_at: stamp,
      line_items: lines,
      admin_graphql_api_id: `gid://shopify/Order/${id}`,
    };
    this.orders.push(order);
    return structuredClone(order);
  }
}
