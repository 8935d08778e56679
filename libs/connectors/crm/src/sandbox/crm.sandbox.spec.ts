import { request } from 'undici';
import { CRM_SANDBOX_TOKEN, CrmSandbox } from './crm.sandbox';

type Method = 'GET' | 'POST' | 'PATCH';

function client(base: () => string) {
  return async (method: Method, path: string, body?: unknown, token: string | null = CRM_SANDBOX_TOKEN) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const res = await request(new URL(path, base()), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, json: (text ? JSON.parse(text) : undefined) as Record<string, any> };
  };
}

describe('CrmSandbox (HubSpot CRM v3 over HTTP)', () => {
  // A generous burst limit here; the rate-limit suite below uses a small one and a manual clock.
  const sandbox = new CrmSandbox({ rateLimit: { max: 10_000 } });
  const call = client(() => sandbox.url);
  const contact = (properties: Record<string, unknown>) => call('POST', '/crm/v3/objects/contacts', { properties });
  const deal = (properties: Record<string, unknown>) => call('POST', '/crm/v3/objects/deals', { properties });

  beforeAll(() => sandbox.start());
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.reset());

  describe('auth', () => {
    it('answers a request without a Bearer token with 401 INVALID_AUTHENTICATION', async () => {
      const res = await call('GET', '/crm/v3/objects/contacts', undefined, null);
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION', message: expect.stringContaining('Authentication credentials not found') });
      expect(res.json.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers['x-hubspot-correlation-id']).toBe(res.json.correlationId);
    });

    it('answers an unknown token with 401 and counts nothing against the rate limit', async () => {
      const res = await call('GET', '/crm/v3/objects/contacts', undefined, 'pat-na1-wrong');
      expect([res.status, res.json.category]).toEqual([401, 'INVALID_AUTHENTICATION']);
      expect(res.headers['x-hubspot-ratelimit-remaining']).toBeUndefined();
    });
  });

  describe('contacts', () => {
    it('creates a lead as a contact with lifecyclestage=lead: numeric string id, timestamps, ledger entry', async () => {
      const res = await contact({ email: 'Ada@Example.com', firstname: 'Ada', lifecyclestage: 'lead' });
      expect(res.status).toBe(201);
      expect(res.json).toMatchObject({
        id: '1',
        archived: false,
        properties: { email: 'ada@example.com', firstname: 'Ada', lifecyclestage: 'lead', hs_object_id: '1' },
      });
      expect(res.json.createdAt).toBe(res.json.updatedAt);
      expect(res.json.properties.createdate).toBe(res.json.createdAt);
      expect(sandbox.ledger).toEqual([
        expect.objectContaining({ objectType: 'contacts', id: '1', action: 'created', properties: { email: 'ada@example.com', firstname: 'Ada', lifecyclestage: 'lead' } }),
      ]);
    });

    it('rejects invalid properties with 400 VALIDATION_ERROR listing every problem, and stores nothing', async () => {
      const res = await contact({ email: 'not-an-email', lifecyclestage: 'prospect', favourite_colour: 'blue' });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', message: expect.stringMatching(/^Property values were not valid: \[/) });
      expect(res.json.errors).toEqual([
        { message: 'Email address not-an-email is invalid', code: 'INVALID_EMAIL', context: { propertyName: ['email'] } },
        expect.objectContaining({ code: 'INVALID_OPTION', context: { propertyName: ['lifecyclestage'] } }),
        { message: 'Property "favourite_colour" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['favourite_colour'] } },
      ]);
      const embedded = JSON.parse(res.json.message.slice('Property values were not valid: '.length));
      expect(embedded[0]).toMatchObject({ isValid: false, error: 'INVALID_EMAIL', name: 'email' });
      expect(sandbox.ledger).toHaveLength(0);
    });

    it('rejects a body without a properties object and a malformed JSON body with 400', async () => {
      expect((await call('POST', '/crm/v3/objects/contacts', { email: 'x@y.z' })).json.category).toBe('VALIDATION_ERROR');
      const raw = await request(new URL('/crm/v3/objects/contacts', sandbox.url), { method: 'POST', headers: { authorization: `Bearer ${CRM_SANDBOX_TOKEN}` }, body: '{nope' });
      expect(raw.statusCode).toBe(400);
      expect(((await raw.body.json()) as any).category).toBe('VALIDATION_ERROR');
    });

    it('answers a duplicate email (any case) with 409 CONFLICT naming the existing id', async () => {
      await contact({ email: 'grace@example.com' });
      await contact({ email: 'other@example.com' });
      const res = await contact({ email: 'GRACE@example.com', firstname: 'Again' });
      expect(res.status).toBe(409);
      expect(res.json).toMatchObject({ status: 'error', category: 'CONFLICT', message: 'Contact already exists. Existing ID: 1' });
      expect(sandbox.ledger).toHaveLength(2);
    });

    it('gets by id (default or requested properties), by email with idProperty, and 404s unknown ids', async () => {
      await contact({ email: 'a@b.co', firstname: 'A', phone: '+1 555' });
      const byId = await call('GET', '/crm/v3/objects/contacts/1');
      expect(Object.keys(byId.json.properties).sort()).toEqual(['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);
      expect(byId.json.properties.lastname).toBeNull();
      const some = await call('GET', '/crm/v3/objects/contacts/1?properties=phone');
      expect(some.json.properties).toMatchObject({ phone: '+1 555', hs_object_id: '1' });
      expect(some.json.properties).not.toHaveProperty('email');
      expect((await call('GET', '/crm/v3/objects/contacts/A@B.CO?idProperty=email')).json.id).toBe('1');
      const missing = await call('GET', '/crm/v3/objects/contacts/999');
      expect(missing.status).toBe(404);
      expect(missing.json).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { id: ['999'] } });
    });

    it('pages the list with limit and paging.next.after: every contact exactly once, in id order', async () => {
      for (let i = 0; i < 23; i++) await contact({ email: `c${i}@example.com` });
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const res = await call('GET', `/crm/v3/objects/contacts?limit=7${after ? `&after=${after}` : ''}`);
        expect(res.status).toBe(200);
        seen.push(...res.json.results.map((r: { id: string }) => r.id));
        after = res.json.paging?.next?.after;
        if (after) expect(res.json.paging.next.link).toBe(`https://api.hubapi.com/crm/v3/objects/contacts?limit=7&after=${after}`);
        pages += 1;
      } while (after);
      expect(pages).toBe(4);
      expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => String(i + 1)));
    });

    it('omits paging on the last page, defaults to 10 and refuses a limit over 100', async () => {
      for (let i = 0; i < 12; i++) await contact({ email: `d${i}@example.com` });
      const first = await call('GET', '/crm/v3/objects/contacts');
      expect(first.json.results).toHaveLength(10);
      const last = await call('GET', `/crm/v3/objects/contacts?after=${first.json.paging.next.after}`);
      expect(last.json.results).toHaveLength(2);
      expect(last.json).not.toHaveProperty('paging');
      const tooMany = await call('GET', '/crm/v3/objects/contacts?limit=101');
      expect([tooMany.status, tooMany.json.category]).toEqual([400, 'VALIDATION_ERROR']);
    });
  });

  describe('deals and pipelines', () => {
    it('lists the default deal pipeline with its stages', async () => {
      const res = await call('GET', '/crm/v3/pipelines/deals');
      expect(res.status).toBe(200);
      const [pipeline] = res.json.results;
      expect(pipeline).toMatchObject({ id: 'default', label: 'Sales Pipeline', archived: false });
      expect(pipeline.stages.map((s: { id: string }) => s.id)).toEqual([
        'appointmentscheduled',
        'qualifiedtobuy',
        'presentationscheduled',
        'decisionmakerboughtin',
        'contractsent',
        'closedwon',
        'closedlost',
      ]);
      expect(pipeline.stages[5].metadata).toEqual({ isClosed: 'true', probability: '1.0' });
    });

    it('creates a deal in the default pipeline and rejects a stage outside its pipeline', async () => {
      const ok = await deal({ dealname: 'Big one', amount: 1200, dealstage: 'qualifiedtobuy' });
      expect(ok.status).toBe(201);
      expect(ok.json.properties).toMatchObject({ dealname: 'Big one', amount: '1200', dealstage: 'qualifiedtobuy', pipeline: 'default' });
      const bad = await deal({ dealname: 'Nope', dealstage: 'won-ish' });
      expect(bad.status).toBe(400);
      expect(bad.json.errors).toEqual([expect.objectContaining({ code: 'INVALID_OPTION', context: { propertyName: ['dealstage'] } })]);
      expect((await deal({ dealname: 'Nope', pipeline: 'enterprise' })).json.errors[0].context).toEqual({ propertyName: ['pipeline'] });
    });

    it('PATCH merges properties, bumps updatedAt, records the change and validates the stage', async () => {
      const created = await deal({ dealname: 'D', amount: '10', dealstage: 'appointmentscheduled' });
      await new Promise((r) => setTimeout(r, 5));
      const res = await call('PATCH', `/crm/v3/objects/deals/${created.json.id}`, { properties: { dealstage: 'closedwon' } });
      expect(res.status).toBe(200);
      expect(res.json.properties).toMatchObject({ dealname: 'D', amount: '10', dealstage: 'closedwon', pipeline: 'default' });
      expect(Date.parse(res.json.updatedAt)).toBeGreaterThan(Date.parse(created.json.createdAt));
      expect(sandbox.ledger.map((e) => [e.action, e.id, e.properties])).toEqual([
        ['created', '1', { dealname: 'D', amount: '10', dealstage: 'appointmentscheduled', pipeline: 'default' }],
        ['updated', '1', { dealstage: 'closedwon' }],
      ]);
      const bad = await call('PATCH', '/crm/v3/objects/deals/1', { properties: { dealstage: 'lost-in-space' } });
      expect([bad.status, bad.json.category]).toEqual([400, 'VALIDATION_ERROR']);
      expect((await call('PATCH', '/crm/v3/objects/deals/42', { properties: { amount: 1 } })).status).toBe(404);
      expect(sandbox.objects('deals')[0]!.properties.dealstage).toBe('closedwon');
    });
  });

  describe('deals search', () => {
    beforeEach(async () => {
      for (let i = 1; i <= 12; i++) await deal({ dealname: `Deal ${i}`, amount: i * 100, dealstage: i % 2 ? 'closedwon' : 'contractsent' });
    });
    const search = (body: unknown) => call('POST', '/crm/v3/objects/deals/search', body);

    it('ANDs filters in a group (EQ, GT, LT) and sorts', async () => {
      const res = await search({
        filterGroups: [{ filters: [
          { propertyName: 'dealstage', operator: 'EQ', value: 'closedwon' },
          { propertyName: 'amount', operator: 'GT', value: '200' },
          { propertyName: 'amount', operator: 'LT', value: 1000 },
        ] }],
        sorts: [{ propertyName: 'amount', direction: 'DESCENDING' }],
        properties: ['dealname', 'amount'],
      });
      expect(res.status).toBe(200);
      expect(res.json.total).toBe(4);
      expect(res.json.results.map((r: any) => r.properties.amount)).toEqual(['900', '700', '500', '300']);
      expect(res.json).not.toHaveProperty('paging');
    });

    it('ORs filter groups and pages with an offset cursor: every match exactly once', async () => {
      const body = {
        filterGroups: [
          { filters: [{ propertyName: 'amount', operator: 'LT', value: '400' }] },
          { filters: [{ propertyName: 'dealstage', operator: 'EQ', value: 'contractsent' }] },
        ],
        limit: 2,
      };
      const ids: string[] = [];
      let after: string | undefined;
      do {
        const res = await search({ ...body, after });
        expect(res.json.total).toBe(8);
        ids.push(...res.json.results.map((r: { id: string }) => r.id));
        after = res.json.paging?.next?.after;
      } while (after);
      // amount < 400 → 1, 2, 3; contractsent → the even ones; 2 matches both groups and appears once.
      expect(ids).toEqual(['1', '2', '3', '4', '6', '8', '10', '12']);
    });

    it('rejects an unknown operator and too many filter groups with 400 VALIDATION_ERROR', async () => {
      const op = await search({ filterGroups: [{ filters: [{ propertyName: 'amount', operator: 'ROUGHLY', value: '1' }] }] });
      expect([op.status, op.json.category, op.json.message]).toEqual([400, 'VALIDATION_ERROR', 'Unknown operator ROUGHLY']);
      const groups = await search({ filterGroups: Array.from({ length: 6 }, () => ({ filters: [] })) });
      expect(groups.status).toBe(400);
    });
  });

  describe('faults through the kit', () => {
    it('failNext 503 answers with HubSpot-shaped bodies before auth, then recovers', async () => {
      sandbox.faults.set({ failNext: { count: 2, status: 503 } });
      const first = await call('GET', '/crm/v3/objects/contacts', undefined, null);
      expect([first.status, first.json.category]).toEqual([503, 'INTERNAL_ERROR']);
      expect((await call('GET', '/crm/v3/objects/contacts')).status).toBe(503);
      expect((await call('GET', '/crm/v3/objects/contacts')).status).toBe(200);
      expect(sandbox.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    });

    it('an injected 429 carries the configured Retry-After and the RATE_LIMIT body', async () => {
      sandbox.faults.set({ failNext: { count: 1, status: 429, retryAfter: 3 } });
      const res = await call('GET', '/crm/v3/objects/contacts');
      expect([res.status, res.headers['retry-after'], res.json.errorType]).toEqual([429, '3', 'RATE_LIMIT']);
    });

    it('resetRatio=1 destroys the connection (ECONNRESET / socket closed) on the chosen paths only', async () => {
      sandbox.faults.set({ resetRatio: 1, paths: ['/crm/v3/objects/deals'] });
      await expect(call('GET', '/crm/v3/objects/deals')).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) });
      expect((await call('GET', '/crm/v3/objects/contacts')).status).toBe(200);
    });
  });
});
