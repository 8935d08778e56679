import { IntegrationError } from '@junction/resilience';
import { ErpNextClient } from './erpnext.client';
import { ErpNextSandbox } from './sandbox/erpnext.sandbox';

async function failure(promise: Promise<unknown>): Promise<IntegrationError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(IntegrationError);
    return error as IntegrationError;
  }
  throw new Error('expected the call to fail');
}

describe('ErpNextClient against the sandbox', () => {
  const sandbox = new ErpNextSandbox();
  let url: string;
  let client: ErpNextClient;

  beforeAll(async () => {
    ({ url } = await sandbox.start());
    client = new ErpNextClient({ baseUrl: `${url}/`, apiKey: 'sandbox-key', apiSecret: 'sandbox-secret' });
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.reset());

  it('probes auth with get_logged_user', async () => {
    await expect(client.getLoggedUser()).resolves.toBe('Administrator');
  });

  it('creates a customer, then finds it by customer_name; one ledger entry per successful POST', async () => {
    expect(await client.findCustomerByName('Acme & Söhne')).toBeNull();
    const created = await client.createCustomer({ customer_name: 'Acme & Söhne', customer_type: 'Company', customer_group: 'Commercial', email_id: 'a@b.c', tax_id: 'DE1' });
    expect(created).toEqual({ name: 'Acme & Söhne', customer_name: 'Acme & Söhne' });
    await expect(client.findCustomerByName('Acme & Söhne')).resolves.toEqual(created);
    await client.createCustomer({ customer_name: 'Other', customer_type: 'Individual' });
    await failure(client.createCustomer({ customer_name: '', customer_type: 'Company' }));
    expect(sandbox.ledger.map((e) => e.name)).toEqual(['Acme & Söhne', 'Other']);
    expect(sandbox.documents('Customer')[0]).toMatchObject({ email_id: 'a@b.c', tax_id: 'DE1', customer_group: 'Commercial' });
  });

  it('encodes the filter value so quotes, %, & and # match exactly (no LIKE wildcards)', async () => {
    const tricky = 'X "quoted" 50% & #1';
    await client.createCustomer({ customer_name: `${tricky} plus`, customer_type: 'Company' });
    expect(await client.findCustomerByName(tricky)).toBeNull();
    await client.createCustomer({ customer_name: tricky, customer_type: 'Company' });
    await expect(client.findCustomerByName(tricky)).resolves.toEqual({ name: tricky, customer_name: tricky });
  });

  it('maps a duplicate (409 DuplicateEntryError) to a non-retryable conflict with the message stripped of HTML', async () => {
    const strict = new ErpNextSandbox({ duplicateNaming: 'reject' });
    const { url: strictUrl } = await strict.start();
    try {
      const c = new ErpNextClient({ baseUrl: strictUrl, apiKey: 'sandbox-key', apiSecret: 'sandbox-secret' });
      await c.createCustomer({ customer_name: 'Dup', customer_type: 'Company' });
      const error = await failure(c.createCustomer({ customer_name: 'Dup', customer_type: 'Company' }));
      expect(error).toMatchObject({ errorClass: 'conflict', retryable: false, status: 409, provider: 'erpnext', operation: 'createCustomer' });
      expect(error.message).toBe('ERPNext createCustomer failed (409 DuplicateEntryError): Customer Dup already exists');
      expect(strict.ledger).toHaveLength(1);
    } finally {
      await strict.stop();
    }
  });

  it('maps a missing customer_name (417) to validation with the _server_messages text', async () => {
    const error = await failure(client.createCustomer({ customer_type: 'Company' } as never));
    expect(error).toMatchObject({ errorClass: 'validation', retryable: false, status: 417, code: 'PROVIDER_VALIDATION' });
    expect(error.message).toBe('ERPNext createCustomer failed (417 MandatoryError): Error: Value missing for Customer: Customer Name');
  });

  it('maps a wrong secret to auth without leaking the secret', async () => {
    const secret = 'super-secret-value-123';
    const bad = new ErpNextClient({ baseUrl: url, apiKey: 'sandbox-key', apiSecret: secret });
    const error = await failure(bad.getLoggedUser());
    expect(error).toMatchObject({ errorClass: 'auth', retryable: false, status: 401 });
    const serialized = `${error.message} ${error.stack ?? ''} ${JSON.stringify(error)} ${String(error)}`;
    expect(serialized).not.toContain(secret);
    expect(serialized).not.toContain('sandbox-key:');
  });

  it('maps an injected 503 (nginx HTML) to a retryable server error', async () => {
    sandbox.faults.set({ failNext: { count: 1, status: 503 } });
    const error = await failure(client.getLoggedUser());
    expect(error).toMatchObject({ errorClass: 'server', retryable: true, status: 503 });
    expect(error.message).toContain('503 Service Temporarily Unavailable');
    expect(error.message).not.toContain('<');
    await expect(client.getLoggedUser()).resolves.toBe('Administrator');
  });

  it('maps 429 with Retry-After: 2 to rate_limit with retryAfterMs 2000', async () => {
    sandbox.faults.set({ failNext: { count: 1, status: 429, retryAfter: 2 } });
    const error = await failure(client.findCustomerByName('Anyone'));
    expect(error).toMatchObject({ errorClass: 'rate_limit', retryable: true, status: 429, retryAfterMs: 2000 });
  });

  it('maps an unknown document path to not_found', async () => {
    sandbox.faults.set({ failNext: { count: 1, status: 404 } });
    expect((await failure(client.getLoggedUser())).errorClass).toBe('not_found');
  });

  it('maps a refused connection to network', async () => {
    const gone = new ErpNextSandbox();
    const { url: goneUrl } = await gone.start();
    await gone.stop();
    const c = new ErpNextClient({ baseUrl: goneUrl, apiKey: 'sandbox-key', apiSecret: 'sandbox-secret' });
    const error = await failure(c.getLoggedUser());
    expect(error).toMatchObject({ errorClass: 'network', retryable: true, code: 'PROVIDER_NETWORK' });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('maps a hung request to timeout within the client budget', async () => {
    sandbox.faults.set({ hang: true });
    const c = new ErpNextClient({ baseUrl: url, apiKey: 'sandbox-key', apiSecret: 'sandbox-secret', timeoutMs: 200 });
    const started = Date.now();
    const error = await failure(c.getLoggedUser());
    expect(error).toMatchObject({ errorClass: 'timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(sandbox.requests.at(-1)!.status).toBeNull();
  });
});
