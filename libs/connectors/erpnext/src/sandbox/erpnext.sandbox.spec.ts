import { request } from 'undici';
import { ErpNextSandbox } from './erpnext.sandbox';

const AUTH = 'token sandbox-key:sandbox-secret';

describe('ErpNextSandbox (raw HTTP)', () => {
  const sandbox = new ErpNextSandbox();
  let url: string;

  beforeAll(async () => {
    ({ url } = await sandbox.start());
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.reset());

  async function call(method: 'GET' | 'POST', path: string, opts: { body?: string; auth?: string | null; query?: Record<string, unknown> } = {}) {
    const u = new URL(path, url);
    for (const [k, v] of Object.entries(opts.query ?? {})) u.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.auth !== null) headers.authorization = opts.auth ?? AUTH;
    const res = await request(u, { method, headers, body: opts.body });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text, json: JSON.parse(text) as Record<string, any> };
  }
  const post = (doc: Record<string, unknown>) => call('POST', '/api/resource/Customer', { body: JSON.stringify(doc) });

  describe('auth', () => {
    it('answers the logged-user probe for token and Basic credentials', async () => {
      expect((await call('GET', '/api/method/frappe.auth.get_logged_user')).json).toEqual({ message: 'Administrator' });
      const basic = `Basic ${Buffer.from('sandbox-key:sandbox-secret').toString('base64')}`;
      expect((await call('GET', '/api/method/frappe.auth.get_logged_user', { auth: basic })).status).toBe(200);
    });

    it('answers a wrong secret with 401 AuthenticationError', async () => {
      const res = await call('GET', '/api/resource/Customer', { auth: 'token sandbox-key:nope' });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ exc_type: 'AuthenticationError', exception: 'frappe.exceptions.AuthenticationError' });
    });

    it('treats a request without Authorization as Guest: 403 PermissionError', async () => {
      const res = await call('GET', '/api/method/frappe.auth.get_logged_user', { auth: null });
      expect(res.status).toBe(403);
      expect(res.json.exc_type).toBe('PermissionError');
    });
  });

  describe('POST /api/resource/Customer', () => {
    it('creates a draft document named after customer_name and records it in the ledger', async () => {
      const res = await post({ customer_name: 'Acme GmbH', customer_type: 'Company', ignored_field: 1 });
      expect(res.status).toBe(200);
      expect(res.json.data).toMatchObject({
        name: 'Acme GmbH',
        customer_name: 'Acme GmbH',
        customer_type: 'Company',
        doctype: 'Customer',
        docstatus: 0,
        owner: 'Administrator',
      });
      expect(res.json.data.creation).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
      expect(res.json.data.modified).toBe(res.json.data.creation);
      expect(res.json.data).not.toHaveProperty('ignored_field');
      expect(sandbox.ledger).toEqual([
        expect.objectContaining({ method: 'POST', path: '/api/resource/Customer', doctype: 'Customer', name: 'Acme GmbH', action: 'created' }),
      ]);
    });

    it('rejects a missing customer_name with 417 MandatoryError and a Python-serialized _server_messages', async () => {
      const res = await post({ customer_type: 'Company' });
      expect(res.status).toBe(417);
      expect(res.json.exc_type).toBe('MandatoryError');
      expect(res.text).toContain('"_server_messages":"[\\"{\\\\\\"message\\\\\\": \\\\\\"Error: Value missing for Customer: Customer Name\\\\\\"');
      const inner = (JSON.parse(res.json._server_messages) as string[]).map((m) => JSON.parse(m));
      expect(inner[0].message).toBe('Error: Value missing for Customer: Customer Name');
      expect(sandbox.ledger).toHaveLength(0);
    });

    it('rejects an unknown customer_type and an unknown Link value with 417', async () => {
      const type = await post({ customer_name: 'X', customer_type: 'Alien' });
      expect([type.status, type.json.exc_type]).toEqual([417, 'ValidationError']);
      const link = await post({ customer_name: 'X', customer_group: 'Nope' });
      expect([link.status, link.json.exc_type]).toEqual([417, 'LinkValidationError']);
      expect(link.json._server_messages).toContain('Could not find Customer Group: Nope');
      expect(sandbox.ledger).toHaveLength(0);
    });

    it('defaults customer_type to Company', async () => {
      expect((await post({ customer_name: 'Y' })).json.data.customer_type).toBe('Company');
    });

    it('renames a duplicate like ERPNext\'s default "Customer Name" naming does', async () => {
      await post({ customer_name: 'Acme' });
      const second = await post({ customer_name: 'acme' });
      const third = await post({ customer_name: 'Acme' });
      expect([second.status, second.json.data.name, third.json.data.name]).toEqual([200, 'acme - 1', 'Acme - 2']);
      expect(second.json._server_messages).toContain("Changed customer name to 'acme - 1'");
      expect(sandbox.ledger.map((e) => e.name)).toEqual(['Acme', 'acme - 1', 'Acme - 2']);
    });

    it('answers invalid JSON with 500 JSONDecodeError, as an uncaught json.loads does', async () => {
      const res = await call('POST', '/api/resource/Customer', { body: '{nope' });
      expect([res.status, res.json.exc_type]).toEqual([500, 'JSONDecodeError']);
    });
  });

  it('rejects duplicates with 409 DuplicateEntryError in reject mode, escaping non-ASCII like Python', async () => {
    const strict = new ErpNextSandbox({ duplicateNaming: 'reject' });
    const { url: strictUrl } = await strict.start();
    try {
      const send = () =>
        request(`${strictUrl}/api/resource/Customer`, {
          method: 'POST',
          headers: { authorization: AUTH, 'content-type': 'application/json' },
          body: JSON.stringify({ customer_name: 'Müller' }),
        });
      expect((await send()).statusCode).toBe(200);
      const dup = await send();
      const text = await dup.body.text();
      expect(dup.statusCode).toBe(409);
      expect(JSON.parse(text).exc_type).toBe('DuplicateEntryError');
      expect(text).toContain('M\\\\\\\\u00fcller');
      expect(strict.ledger).toHaveLength(1);
    } finally {
      await strict.stop();
    }
  });

  describe('GET /api/resource/Customer/{name}', () => {
    it('URL-decodes the name and 404s a missing one', async () => {
      await post({ customer_name: 'A & B / C' });
      const found = await call('GET', `/api/resource/Customer/${encodeURIComponent('A & B / C')}`);
      expect(found.json.data.name).toBe('A & B / C');
      const missing = await call('GET', '/api/resource/Customer/Nobody');
      expect([missing.status, missing.json.exc_type]).toEqual([404, 'DoesNotExistError']);
    });
  });

  describe('GET /api/resource/Customer (list)', () => {
    beforeEach(async () => {
      for (let i = 1; i <= 25; i += 1) {
        await post({ customer_name: `Cust ${String(i).padStart(2, '0')}`, customer_type: i % 2 ? 'Company' : 'Individual' });
      }
    });
    const list = async (query: Record<string, unknown>) => (await call('GET', '/api/resource/Customer', { query })).json.data as Record<string, unknown>[];

    it('returns only name by default, 20 rows, newest first', async () => {
      const rows = await list({});
      expect(rows).toHaveLength(20);
      expect(Object.keys(rows[0]!)).toEqual(['name']);
      expect(rows[0]!.name).toBe('Cust 25');
    });

    it('pages with limit_start/limit_page_length (0 = all, alias limit) and orders', async () => {
      expect(await list({ limit_page_length: '0' })).toHaveLength(25);
      expect(await list({ limit: '3' })).toHaveLength(3);
      const page = await list({ order_by: 'name asc', limit_start: '10', limit_page_length: '5' });
      expect(page.map((r) => r.name)).toEqual(['Cust 11', 'Cust 12', 'Cust 13', 'Cust 14', 'Cust 15']);
      expect((await list({ order_by: 'creation asc', limit: '1' }))[0]!.name).toBe('Cust 01');
      expect((await list({ order_by: '`tabCustomer`.`creation` desc', limit: '1' }))[0]!.name).toBe('Cust 25');
    });

    it('filters in list form (=, !=, like, in) case-insensitively and in dict form, returning requested fields', async () => {
      const fields = ['name', 'customer_type'];
      expect(await list({ fields, filters: [['customer_name', '=', 'cust 07']] })).toEqual([{ name: 'Cust 07', customer_type: 'Company' }]);
      expect(await list({ filters: [['customer_type', '!=', 'Company']], limit: '0' })).toHaveLength(12);
      expect(await list({ filters: [['name', 'like', 'Cust 1%']], limit: '0' })).toHaveLength(10);
      expect(await list({ filters: [['Customer', 'name', 'in', ['Cust 01', 'Cust 02', 'Nobody']]] })).toHaveLength(2);
      expect(await list({ filters: { customer_type: 'Individual' }, limit: '0' })).toHaveLength(12);
      expect(await list({ filters: { name: ['like', '%5'] }, limit: '0' })).toHaveLength(3);
    });

    it('returns all fields for ["*"]', async () => {
      const [row] = await list({ fields: ['*'], limit: '1' });
      expect(row).toMatchObject({ doctype: 'Customer', docstatus: 0, customer_type: 'Company' });
    });
  });

  it('404s unknown DocTypes and routes, and logs every request with its status', async () => {
    const doctype = await call('GET', '/api/resource/Nope');
    expect([doctype.status, doctype.json.exc_type]).toEqual([404, 'DoesNotExistError']);
    expect((await call('GET', '/api/nothing')).status).toBe(404);
    expect(sandbox.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/api/resource/Nope', 404],
      ['GET', '/api/nothing', 404],
    ]);
  });

  it('fails the next N requests before auth, then recovers', async () => {
    sandbox.faults.set({ failNext: { count: 2, status: 429, retryAfter: 2 } });
    const first = await call('GET', '/api/method/frappe.auth.get_logged_user', { auth: 'token wrong:wrong' });
    expect([first.status, first.headers['retry-after']]).toEqual([429, '2']);
    expect((await call('GET', '/api/method/frappe.auth.get_logged_user')).status).toBe(429);
    expect((await call('GET', '/api/method/frappe.auth.get_logged_user')).status).toBe(200);
  });

  it('adds configured latency', async () => {
    sandbox.faults.set({ latencyMs: 150 });
    const started = Date.now();
    await call('GET', '/api/method/frappe.auth.get_logged_user');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  describe('faults from the shared kit', () => {
    function sandboxWith(randoms: number[]) {
      const queue = [...randoms];
      return new ErpNextSandbox({ random: () => queue.shift() ?? 1 });
    }

    it('answers errorRatio with nginx-shaped 5xx for the requests the random picks', async () => {
      // One draw per request for errorRatio (resetRatio is unset, so it draws nothing).
      const flaky = sandboxWith([0.1, 0.9, 0.49, 0.5]);
      const { url: flakyUrl } = await flaky.start();
      try {
        flaky.faults.set({ errorRatio: 0.5, errorStatus: 502 });
        const statuses: number[] = [];
        let html = '';
        for (let i = 0; i < 4; i += 1) {
          const res = await request(`${flakyUrl}/api/method/frappe.auth.get_logged_user`, { headers: { authorization: AUTH } });
          const text = await res.body.text();
          statuses.push(res.statusCode);
          if (res.statusCode === 502) html = text;
        }
        expect(statuses).toEqual([502, 200, 502, 200]);
        expect(html).toContain('<center>nginx</center>');
        expect(flaky.requests.map((r) => r.status)).toEqual([502, 200, 502, 200]);
      } finally {
        await flaky.stop();
      }
    });

    it('destroys the connection for resetRatio: the client sees ECONNRESET and nothing is created', async () => {
      const resetting = sandboxWith([0.0]);
      const { url: resetUrl } = await resetting.start();
      try {
        resetting.faults.set({ resetRatio: 0.3 });
        const attempt = request(`${resetUrl}/api/resource/Customer`, {
          method: 'POST',
          headers: { authorization: AUTH, 'content-type': 'application/json' },
          body: JSON.stringify({ customer_name: 'Never' }),
        });
        await expect(attempt).rejects.toMatchObject({ code: 'ECONNRESET' });
        expect(resetting.ledger).toHaveLength(0);
        expect(resetting.requests).toEqual([expect.objectContaining({ method: 'POST', status: null })]);
      } finally {
        await resetting.stop();
      }
    });

    it('limits faults to the configured paths', async () => {
      sandbox.faults.set({ failNext: { count: 5, status: 503 }, paths: ['/api/resource/'] });
      expect((await call('GET', '/api/method/frappe.auth.get_logged_user')).status).toBe(200);
      const res = await request(`${url}/api/resource/Customer`, { headers: { authorization: AUTH } });
      expect([res.statusCode, res.headers['content-type']]).toEqual([503, 'text/html']);
      await res.body.dump();
    });
  });
});
