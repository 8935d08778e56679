import { IntegrationError, ResiliencePipelines, type ProviderLimitObservation } from '@junction/resilience';
import { HubSpotClient, collectPages } from './hubspot.client';
import { HubSpotError } from './hubspot.errors';
import { CRM_SANDBOX_TOKEN, CrmSandbox } from './sandbox/crm.sandbox';

const failure = async (p: Promise<unknown>): Promise<HubSpotError> => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IntegrationError);
  return error as HubSpotError;
};

/** HubSpotClient against the CRM sandbox over HTTP: each operation, each error status and class, paging, rate limits. */
describe('HubSpotClient (CRM sandbox)', () => {
  const sandbox = new CrmSandbox({ rateLimit: { max: 10_000 } });
  let client: HubSpotClient;

  beforeAll(async () => {
    await sandbox.start();
    client = new HubSpotClient({ baseUrl: sandbox.url, token: CRM_SANDBOX_TOKEN, timeoutMs: 2_000 });
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.reset());

  const seedDeals = async (n: number, properties: (i: number) => Record<string, string>) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${sandbox.url}/crm/v3/objects/deals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CRM_SANDBOX_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: properties(i) }),
      });
      ids.push(((await res.json()) as { id: string }).id);
    }
    return ids;
  };

  describe('contacts', () => {
    it('creates a lead (a contact with lifecyclestage=lead), sending only the fields given', async () => {
      const lead = await client.createLead({ email: 'Ada@Example.com', firstname: 'Ada', company: 'Analytical', phone: undefined });
      expect(lead).toMatchObject({ id: '1', properties: { email: 'ada@example.com', firstname: 'Ada' } });
      expect(sandbox.ledger).toEqual([
        expect.objectContaining({ objectType: 'contacts', action: 'created', properties: { email: 'ada@example.com', firstname: 'Ada', company: 'Analytical', lifecyclestage: 'lead' } }),
      ]);
    });

    it('finds a contact by e-mail (case-insensitively), or null', async () => {
      await client.createContact({ email: 'grace@example.com', lastname: 'Hopper', lifecyclestage: 'customer' });
      expect(await client.findContactByEmail('Grace@Example.COM')).toMatchObject({ id: '1', properties: { email: 'grace@example.com', lastname: 'Hopper', lifecyclestage: 'customer' } });
      expect(await client.findContactByEmail('nobody@example.com')).toBeNull();
    });

    it('a duplicate e-mail is 409 → conflict, with the existing id parsed from "Existing ID: N"', async () => {
      await client.createLead({ email: 'dup@example.com' });
      await client.createLead({ email: 'other@example.com' });
      const error = await failure(client.createLead({ email: 'DUP@example.com' }));
      expect(error).toBeInstanceOf(HubSpotError);
      expect(error).toMatchObject({ errorClass: 'conflict', code: 'PROVIDER_CONFLICT', status: 409, retryable: false, category: 'CONFLICT', existingId: '1' });
      expect(error.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(sandbox.objects('contacts')).toHaveLength(2);
    });

    it('lists every contact page by page with the properties asked for (listContacts)', async () => {
      for (let i = 1; i <= 5; i++) await client.createContact({ email: `c${i}@example.com`, firstname: `C${i}` });
      const first = await client.listContacts({ limit: 2, properties: ['email', 'firstname'] });
      expect(first.results.map((c) => c.properties.email)).toEqual(['c1@example.com', 'c2@example.com']);
      expect(first.nextAfter).toBeDefined();
      const all = await collectPages((after) => client.listContacts({ limit: 2, after, properties: ['email'] }));
      expect(all.map((c) => c.properties.email)).toEqual(['c1@example.com', 'c2@example.com', 'c3@example.com', 'c4@example.com', 'c5@example.com']);
    });

    it('invalid properties are 400 → validation, naming the property', async () => {
      const error = await failure(client.createLead({ email: 'not-an-email' }));
      expect(error).toMatchObject({ errorClass: 'validation', status: 400, category: 'VALIDATION_ERROR', retryable: false });
      expect(error.message).toMatch(/INVALID_EMAIL/);
    });
  });

  describe('deals and pipelines', () => {
    it('lists the deal pipelines with stage probabilities', async () => {
      const [pipeline] = await client.listDealPipelines();
      expect(pipeline).toMatchObject({ id: 'default', label: 'Sales Pipeline' });
      expect(pipeline!.stages.map((s) => [s.id, s.metadata.probability, s.metadata.isClosed])).toEqual([
        ['appointmentscheduled', '0.2', 'false'],
        ['qualifiedtobuy', '0.4', 'false'],
        ['presentationscheduled', '0.6', 'false'],
        ['decisionmakerboughtin', '0.8', 'false'],
        ['contractsent', '0.9', 'false'],
        ['closedwon', '1.0', 'true'],
        ['closedlost', '0.0', 'true'],
      ]);
    });

    it('gets and patches a deal (a merge), and rejects a stage outside its pipeline as validation', async () => {
      const [id] = await seedDeals(1, () => ({ dealname: 'Big one', amount: '1000', dealstage: 'appointmentscheduled' }));
      expect(await client.getDeal(id!)).toMatchObject({ id, properties: { dealname: 'Big one', amount: '1000', dealstage: 'appointmentscheduled', pipeline: 'default' } });
      const patched = await client.updateDeal(id!, { dealstage: 'contractsent', amount: '1500.5' });
      expect(patched.properties).toMatchObject({ dealname: 'Big one', dealstage: 'contractsent', amount: '1500.5' });
      const error = await failure(client.updateDeal(id!, { dealstage: 'nonsense' }));
      expect(error).toMatchObject({ errorClass: 'validation', status: 400 });
      expect(error.message).toMatch(/nonsense was not one of the allowed options/);
    });

    it('an unknown deal is 404 → not_found', async () => {
      expect(await failure(client.getDeal('999'))).toMatchObject({ errorClass: 'not_found', code: 'PROVIDER_NOT_FOUND', status: 404, category: 'OBJECT_NOT_FOUND' });
      expect(await failure(client.updateDeal('999', { amount: '1' }))).toMatchObject({ errorClass: 'not_found', status: 404 });
    });

    it('searches deals page by page following paging.next.after to the end, and all at once', async () => {
      const ids = await seedDeals(25, (i) => ({ dealname: `D${i}`, amount: String(i), dealstage: i % 2 ? 'qualifiedtobuy' : 'closedwon' }));
      const query = { filterGroups: [{ filters: [{ propertyName: 'pipeline', operator: 'EQ' as const, value: 'default' }] }], properties: ['amount'], limit: 10 };
      const first = await client.searchDeals(query);
      expect(first).toMatchObject({ total: 25, nextAfter: '10' });
      expect(first.results).toHaveLength(10);
      const pages: number[] = [];
      const all = await collectPages(async (after) => {
        const page = await client.searchDeals({ ...query, after });
        pages.push(page.results.length);
        return page;
      });
      expect(pages).toEqual([10, 10, 5]);
      expect(all.map((d) => d.id)).toEqual(ids);
      expect((await client.searchAllDeals(query)).map((d) => d.id)).toEqual(ids);
      const won = await client.searchAllDeals({ ...query, filterGroups: [{ filters: [{ propertyName: 'dealstage', operator: 'EQ', value: 'closedwon' }] }] });
      expect(won).toHaveLength(13);
    });

    it('stops on a repeated cursor instead of looping forever', async () => {
      await expect(collectPages(async () => ({ results: [1], nextAfter: 'same' }))).rejects.toMatchObject({ errorClass: 'client', message: expect.stringMatching(/repeated the cursor/) });
    });
  });

  describe('auth', () => {
    it('an unknown token is 401 → auth, and the token never appears in the message', async () => {
      const wrong = new HubSpotClient({ baseUrl: sandbox.url, token: 'pat-na1-11111111-2222-secret-token', timeoutMs: 2_000 });
      const error = await failure(wrong.findContactByEmail('a@example.com'));
      expect(error).toMatchObject({ errorClass: 'auth', code: 'PROVIDER_AUTH', status: 401, retryable: false, category: 'INVALID_AUTHENTICATION' });
      expect(JSON.stringify({ ...error, message: error.message })).not.toContain('secret-token');
    });

    it('with an OAuth token source, a refused token is handed back as `rejected` and the call retried once', async () => {
      const asked: (string | undefined)[] = [];
      const source = async (options?: { rejected?: string }) => {
        asked.push(options?.rejected);
        return options?.rejected ? CRM_SANDBOX_TOKEN : 'expired-access-token';
      };
      const oauth = new HubSpotClient({ baseUrl: sandbox.url, token: source, timeoutMs: 2_000 });
      expect(await oauth.findContactByEmail('a@example.com')).toBeNull();
      expect(asked).toEqual([undefined, 'expired-access-token']);

      // A source that keeps the refused token: one retry at most, then auth.
      const stuck = new HubSpotClient({ baseUrl: sandbox.url, token: async () => 'expired-access-token', timeoutMs: 2_000 });
      const before = sandbox.requests.length;
      expect(await failure(stuck.findContactByEmail('a@example.com'))).toMatchObject({ errorClass: 'auth' });
      expect(sandbox.requests.length - before).toBe(1);
    });
  });

  describe('rate limits and outages', () => {
    it('reports X-HubSpot-RateLimit-Remaining and -Daily-Remaining to the limiter', async () => {
      const seen: ProviderLimitObservation[] = [];
      await client.findContactByEmail('a@example.com', undefined, { observeLimits: (o) => seen.push(o) });
      expect(seen).toEqual([
        { remaining: 9_999, rule: 'crm-burst' },
        { remaining: 249_999, resetAt: expect.any(Number), rule: 'crm-daily' },
      ]);
      expect(seen[1]!.resetAt! % 86_400_000).toBe(0); // midnight UTC
    });

    it('a 429 past the rolling window is rate_limit with Retry-After in ms', async () => {
      const tight = new CrmSandbox({ rateLimit: { max: 2, intervalMs: 10_000 } });
      await tight.start();
      try {
        const c = new HubSpotClient({ baseUrl: tight.url, token: CRM_SANDBOX_TOKEN, timeoutMs: 2_000 });
        await c.findContactByEmail('a@example.com');
        await c.findContactByEmail('a@example.com');
        const error = await failure(c.findContactByEmail('a@example.com'));
        expect(error).toMatchObject({ errorClass: 'rate_limit', code: 'PROVIDER_RATE_LIMITED', status: 429, retryable: true, category: 'RATE_LIMITS' });
        expect(error.retryAfterMs).toBeGreaterThan(0);
        expect(error.retryAfterMs! % 1000).toBe(0);
        expect(error.retryAfterMs).toBeLessThanOrEqual(10_000);
      } finally {
        await tight.stop();
      }
    });

    it('the pipeline waits the Retry-After HubSpot asked for before retrying', async () => {
      const pipelines = new ResiliencePipelines({ overrides: { crm: { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } } } });
      try {
        sandbox.faults.set({ failNext: { count: 1, status: 429, retryAfter: 1 } });
        const result = await pipelines.run({ provider: 'crm', connection: 'spec', operation: 'contact.find' }, (a) => client.findContactByEmail('a@example.com', undefined, a.requestOptions));
        expect(result).toBeNull();
        const [limited, retried] = sandbox.requests.slice(-2);
        expect([limited!.status, retried!.status]).toEqual([429, 200]);
        // Without Retry-After the backoff here is ≤ 2 ms; the gap shows the header was obeyed.
        expect(retried!.at.getTime() - limited!.at.getTime()).toBeGreaterThanOrEqual(950);
      } finally {
        sandbox.faults.clear();
        pipelines.close();
      }
    });

    it('5xx is server (retryable), with Retry-After on a 503', async () => {
      sandbox.faults.set({ failNext: { count: 1, status: 500 } });
      expect(await failure(client.listDealPipelines())).toMatchObject({ errorClass: 'server', code: 'PROVIDER_UNAVAILABLE', status: 500, retryable: true, retryAfterMs: undefined });
      sandbox.faults.set({ failNext: { count: 1, status: 503, retryAfter: 7 } });
      expect(await failure(client.listDealPipelines())).toMatchObject({ errorClass: 'server', status: 503, retryAfterMs: 7_000 });
      sandbox.faults.clear();
    });

    it('no answer in time is timeout; a refused connection is network', async () => {
      sandbox.faults.set({ hang: true });
      const slow = new HubSpotClient({ baseUrl: sandbox.url, token: CRM_SANDBOX_TOKEN, timeoutMs: 300 });
      expect(await failure(slow.listDealPipelines())).toMatchObject({ errorClass: 'timeout', retryable: true });
      sandbox.faults.clear();
      const nowhere = new HubSpotClient({ baseUrl: 'http://127.0.0.1:1', token: CRM_SANDBOX_TOKEN, timeoutMs: 1_000 });
      expect(await failure(nowhere.listDealPipelines())).toMatchObject({ errorClass: 'network', retryable: true });
    });
  });
});
