import { request } from 'undici';
import { SHOPIFY_INVALID_TOKEN, SHOPIFY_THROTTLED, ShopifySandbox } from './shopify.sandbox';

const TOKEN = 'shpat_sandbox';
const API = '/admin/api/2025-01';

describe('ShopifySandbox (raw HTTP)', () => {
  let clock = Date.parse('2026-03-01T10:00:00Z');
  const sandbox = new ShopifySandbox({ accessTokens: [TOKEN, 'shpat_other'], now: () => new Date(clock) });
  let url: string;

  beforeAll(async () => {
    ({ url } = await sandbox.start());
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.reset());

  async function call(path: string, opts: { method?: 'GET' | 'POST'; token?: string | null; body?: unknown } = {}) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.token !== null) headers['x-shopify-access-token'] = opts.token ?? TOKEN;
    const res = await request(path.startsWith('http') ? path : `${url}${path}`, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, json: (text ? JSON.parse(text) : undefined) as Record<string, any> };
  }

  /** Follows rel="next" (or "previous") from a first request and returns every page's ids. */
  async function walk(first: string, key: 'products' | 'orders', rel: 'next' | 'previous' = 'next') {
    const pages: number[][] = [];
    let next: string | undefined = first;
    while (next) {
      const res = await call(next);
      expect(res.status).toBe(200);
      pages.push((res.json[key] as { id: number }[]).map((r) => r.id));
      const link = res.headers.link as string | undefined;
      next = link && new RegExp(`<([^>]+)>; rel="${rel}"`).exec(link)?.[1];
    }
    return pages;
  }

  describe('auth', () => {
    it('answers a missing or wrong access token with 401 and Shopify\'s message, without filling the bucket', async () => {
      for (const token of [null, 'shpat_wrong']) {
        const res = await call(`${API}/products.json`, { token });
        expect([res.status, res.json]).toEqual([401, { errors: SHOPIFY_INVALID_TOKEN }]);
        expect(res.headers['x-shopify-shop-api-call-limit']).toBeUndefined();
      }
      expect(sandbox.bucket.used).toBe(0);
    });

    it('404s paths outside /admin/api/{version}/ and unknown versions', async () => {
      expect((await call('/products.json')).status).toBe(404);
      expect((await call('/admin/api/latest/products.json')).json).toEqual({ errors: 'Not Found' });
    });
  });

  describe('leaky bucket (40 @ 2/s)', () => {
    it('allows 40 calls, refuses the 41st with 429 Retry-After 2.0, and frees one slot every 0.5 s', async () => {
      for (let i = 1; i <= 40; i += 1) {
        const res = await call(`${API}/locations.json`);
        expect([res.status, res.headers['x-shopify-shop-api-call-limit']]).toEqual([200, `${i}/40`]);
      }
      const refused = await call(`${API}/locations.json`);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('2.0');
      expect(refused.headers['x-shopify-shop-api-call-limit']).toBe('40/40');
      expect(refused.json).toEqual({ errors: SHOPIFY_THROTTLED });

      clock += 499;
      expect((await call(`${API}/locations.json`)).status).toBe(429);
      clock += 1;
      const again = await call(`${API}/locations.json`);
      expect([again.status, again.headers['x-shopify-shop-api-call-limit']]).toEqual([200, '40/40']);
      expect((await call(`${API}/locations.json`)).status).toBe(429);

      clock += 10_000; // 20 calls leak out
      const later = await call(`${API}/locations.json`);
      expect(later.headers['x-shopify-shop-api-call-limit']).toBe('21/40');
    });

    it('keeps one bucket per access token (app installation)', async () => {
      for (let i = 0; i < 40; i += 1) await call(`${API}/locations.json`);
      expect((await call(`${API}/locations.json`)).status).toBe(429);
      const other = await call(`${API}/locations.json`, { token: 'shpat_other' });
      expect([other.status, other.headers['x-shopify-shop-api-call-limit']]).toEqual([200, '1/40']);
      expect(sandbox.bucket.used).toBe(40);
      expect(sandbox.bucketFor('shpat_other').used).toBe(1);
    });

    it('leaks in real time with the default clock', async () => {
      const live = new ShopifySandbox();
      const { url: liveUrl } = await live.start();
      try {
        const hit = () => request(`${liveUrl}${API}/locations.json`, { headers: { 'x-shopify-access-token': TOKEN } }).then(async (r) => {
          await r.body.dump();
          return r.statusCode;
        });
        // At once, so that the bucket cannot leak a request's worth (500 ms) in between on a busy machine.
        const statuses = await Promise.all(Array.from({ length: 41 }, () => hit()));
        expect(statuses.filter((s) => s === 200)).toHaveLength(40);
        expect(statuses.filter((s) => s === 429)).toHaveLength(1);
        await new Promise((r) => setTimeout(r, 550));
        expect(await hit()).toBe(200);
      } finally {
        await live.stop();
      }
    });
  });

  describe('cursor paging', () => {
    it('walks every product exactly once with limit=25, then back with rel="previous"', async () => {
      const seeded = sandbox.seedProducts(120).map((p) => p.id);
      const pages = await walk(`${API}/products.json?limit=25`, 'products');
      expect(pages.map((p) => p.length)).toEqual([25, 25, 25, 25, 20]);
      expect(pages.flat()).toEqual(seeded);

      const lastPage = await call(`${API}/products.json?limit=25`);
      const nextLink = /<([^>]+)>; rel="next"/.exec(lastPage.headers.link as string)![1]!;
      expect(nextLink).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/admin\/api\/2025-01\/products\.json\?limit=25&page_info=/);
      expect(lastPage.headers.link).not.toContain('rel="previous"');

      const forward = await walk(`${API}/products.json?limit=25`, 'products');
      const tailUrl = await (async () => {
        let link = '';
        let next: string | undefined = `${API}/products.json?limit=25`;
        while (next) {
          const res = await call(next);
          link = res.headers.link as string;
          next = /<([^>]+)>; rel="next"/.exec(link)?.[1];
          if (!next) return /<([^>]+)>; rel="previous"/.exec(link)![1]!;
        }
        return '';
      })();
      const backward = await walk(tailUrl, 'products', 'previous');
      expect(backward.reverse().flat()).toEqual(forward.slice(0, 4).flat());
    });

    it('sends no Link header on a single page and defaults to 50 per page', async () => {
      sandbox.seedProducts(50);
      const res = await call(`${API}/products.json`);
      expect(res.json.products).toHaveLength(50);
      expect(res.headers.link).toBeUndefined();
    });

    it('keeps the first request\'s filters in the cursor and rejects them on a page_info request', async () => {
      sandbox.seedProducts([...Array.from({ length: 7 }, () => ({ status: 'draft' as const })), ...Array.from({ length: 5 }, () => ({}))]);
      const pages = await walk(`${API}/products.json?limit=3&status=draft`, 'products');
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);

      const first = await call(`${API}/products.json?limit=3&status=draft`);
      const next = /<([^>]+)>; rel="next"/.exec(first.headers.link as string)![1]!;
      const withStatus = await call(`${next}&status=draft`);
      expect(withStatus.status).toBe(400);
      expect(withStatus.json.errors.status).toMatch(/^status cannot be passed when page_info is present/);
      const withFields = await call(`${next}&fields=id,title`);
      expect(Object.keys(withFields.json.products[0])).toEqual(['id', 'title']);
      expect((await call(`${API}/products.json?page_info=garbage`)).json).toEqual({ errors: { page_info: 'Invalid value.' } });
    });

    it('rejects limit above 250 (and below 1) with 400', async () => {
      expect((await call(`${API}/products.json?limit=251`)).status).toBe(400);
      expect((await call(`${API}/products.json?limit=0`)).status).toBe(400);
      expect((await call(`${API}/products.json?limit=250`)).status).toBe(200);
    });

    it('lists only open orders by default, newest first, and pages through status=any', async () => {
      sandbox.seedOrders([{}, { status: 'closed' }, {}, { status: 'cancelled' }, {}]);
      const open = await call(`${API}/orders.json`);
      expect(open.json.orders.map((o: { name: string }) => o.name)).toEqual(['#1005', '#1003', '#1001']);
      const all = await walk(`${API}/orders.json?status=any&limit=2`, 'orders');
      expect(all.flat()).toEqual(sandbox.listOrders().map((o) => o.id).reverse());
    });
  });

  describe('inventory levels', () => {
    it('reads levels by item ids and sets one, recording the side effect', async () => {
      const [a, b] = sandbox.seedProducts([{ variants: [{ available: 5 }] }, { variants: [{ available: 7 }] }]);
      const itemA = a!.variants[0]!.inventory_item_id;
      const itemB = b!.variants[0]!.inventory_item_id;
      const levels = await call(`${API}/inventory_levels.json?inventory_item_ids=${itemA},${itemB}`);
      expect(levels.json.inventory_levels.map((l: { available: number }) => l.available)).toEqual([5, 7]);

      const location_id = sandbox.defaultLocation.id;
      const set = await call(`${API}/inventory_levels/set.json`, { method: 'POST', body: { location_id, inventory_item_id: itemA, available: 42 } });
      expect(set.status).toBe(200);
      expect(set.json.inventory_level).toMatchObject({ inventory_item_id: itemA, location_id, available: 42 });
      expect(sandbox.inventoryLevel(itemA)?.available).toBe(42);
      expect(sandbox.listProducts()[0]!.variants[0]!.inventory_quantity).toBe(42);
      expect(sandbox.ledger).toEqual([
        expect.objectContaining({ action: 'inventory_level.set', inventory_item_id: itemA, location_id, previous: 5, available: 42 }),
      ]);
    });

    it('validates the set body and the GET filters', async () => {
      const [p] = sandbox.seedProducts(1);
      const item = p!.variants[0]!.inventory_item_id;
      const missing = await call(`${API}/inventory_levels/set.json`, { method: 'POST', body: { inventory_item_id: item, available: 1 } });
      expect([missing.status, missing.json]).toEqual([400, { errors: { location_id: 'Required parameter missing or invalid' } }]);
      const unknown = await call(`${API}/inventory_levels/set.json`, { method: 'POST', body: { location_id: sandbox.defaultLocation.id, inventory_item_id: 1, available: 1 } });
      expect(unknown.status).toBe(404);
      expect((await call(`${API}/inventory_levels.json`)).status).toBe(422);
      expect(sandbox.ledger).toHaveLength(0);
    });
  });

  describe('faults', () => {
    it('injects a 429 storm with Shopify\'s body and the configured Retry-After, before auth and the bucket', async () => {
      sandbox.faults.set({ failNext: { count: 2, status: 429, retryAfter: '1.5' } });
      const first = await call(`${API}/products.json`, { token: 'shpat_wrong' });
      expect([first.status, first.headers['retry-after'], first.json]).toEqual([429, '1.5', { errors: SHOPIFY_THROTTLED }]);
      expect((await call(`${API}/products.json`)).status).toBe(429);
      expect((await call(`${API}/products.json`)).status).toBe(200);
      expect(sandbox.bucket.used).toBe(1);
    });

    it('answers a 5xx ratio with {errors} bodies', async () => {
      const flaky = new ShopifySandbox({ random: () => 0.2 });
      const { url: flakyUrl } = await flaky.start();
      try {
        flaky.faults.set({ errorRatio: 0.25, errorStatus: 503 });
        const res = await request(`${flakyUrl}${API}/products.json`, { headers: { 'x-shopify-access-token': TOKEN } });
        expect([res.statusCode, await res.body.json()]).toEqual([503, { errors: 'Service Unavailable' }]);
      } finally {
        await flaky.stop();
      }
    });

    it('hangs until the client gives up', async () => {
      sandbox.faults.set({ hang: true });
      const started = Date.now();
      await expect(
        request(`${url}${API}/products.json`, { headers: { 'x-shopify-access-token': TOKEN }, headersTimeout: 200 }),
      ).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(sandbox.requests.at(-1)?.status).toBeNull();
    });
  });
});
