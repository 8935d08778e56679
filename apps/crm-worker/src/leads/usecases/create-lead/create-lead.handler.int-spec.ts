import { createMessage, type MessageOf } from '@junction/contracts';
import { CRM_SANDBOX_TOKEN, HubSpotClient } from '@junction/connectors/crm';
import { CommandStep } from '@junction/messaging';
import { EffectLedgerRepository } from '@junction/persistence';
import { IntegrationError, ResiliencePipelines } from '@junction/resilience';
import { CrmGateway } from '../../../crm/crm-gateway';
import { crmFixture, type CrmFixture } from '../../../crm/crm-test.fixture';
import { CreateLeadHandler } from './create-lead.handler';

/** crm.lead.create against real Postgres and the CRM sandbox: one contact per e-mail, one event per command. */
describe('CreateLeadHandler (Postgres + CRM sandbox)', () => {
  let f: CrmFixture;
  let handler: CreateLeadHandler;
  let n = 0;

  beforeAll(async () => {
    f = await crmFixture([CreateLeadHandler]);
    handler = f.moduleRef.get(CreateLeadHandler);
  });
  afterAll(() => f?.close());
  afterEach(() => f.sandbox.faults.clear());

  const command = (over: Partial<MessageOf<'crm.lead.create'>['payload']> = {}) =>
    createMessage('crm.lead.create', { email: `lead-${++n}@example.com`, firstName: 'Ada', company: 'Analytical Engines', ...over }, { tenantId: 't1' });
  const contactsWith = (email: string) => f.sandbox.objects('contacts').filter((c) => c.properties.email === email);
  const creates = () => f.sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/crm/v3/objects/contacts').length;

  it('creates the lead (lifecyclestage=lead), records the effect and queues crm.lead.created', async () => {
    const c = command({ email: 'New.Lead@Example.com', leadStatus: 'NEW' });
    await handler.execute(c);
    const [contact] = contactsWith('new.lead@example.com');
    expect(contact!.properties).toMatchObject({ lifecyclestage: 'lead', firstname: 'Ada', company: 'Analytical Engines', hs_lead_status: 'NEW' });
    const events = await f.outboxOf(c.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'crm.lead.created', topic: 'crm.events' });
    expect(events[0]!.body).toMatchObject({
      causationId: c.id,
      correlationId: c.correlationId,
      payload: { commandId: c.id, email: 'new.lead@example.com', contactId: contact!.id, alreadyExisted: false, lifecycleStage: 'lead' },
    });
    expect(await f.moduleRef.get(EffectLedgerRepository).find('crm-worker', c.id, 'lead.create')).toMatchObject({ outcome: 'created', externalRef: contact!.id, naturalKey: 'new.lead@example.com' });
  });

  it('a redelivered command is acknowledged without calling the CRM: one contact, one event', async () => {
    const c = command();
    await handler.execute(c);
    const before = f.sandbox.requests.length;
    await handler.execute(c);
    expect(f.sandbox.requests.length).toBe(before);
    expect(contactsWith(c.payload.email)).toHaveLength(1);
    expect(await f.outboxOf(c.id)).toHaveLength(1);
  });

  it('two commands for the same e-mail: one contact; the second reports it as existing without a create', async () => {
    const first = command();
    const second = command({ email: first.payload.email.toUpperCase() });
    await handler.execute(first);
    const createsBefore = creates();
    await handler.execute(second);
    expect(creates()).toBe(createsBefore);
    expect(contactsWith(first.payload.email)).toHaveLength(1);
    const [event] = await f.outboxOf(second.id);
    expect(event!.body).toMatchObject({ type: 'crm.lead.created', payload: { alreadyExisted: true, contactId: contactsWith(first.payload.email)[0]!.id } });
  });

  it('leaves an existing contact (a customer already) untouched and reports its stage', async () => {
    const c = command();
    await new HubSpotClient({ baseUrl: f.sandbox.url, token: CRM_SANDBOX_TOKEN }).createContact({ email: c.payload.email, lifecyclestage: 'customer' });
    const ledger = f.sandbox.ledger.length;
    await handler.execute(c);
    expect(f.sandbox.ledger.length).toBe(ledger);
    const [event] = await f.outboxOf(c.id);
    expect(event!.body).toMatchObject({ payload: { alreadyExisted: true, lifecycleStage: 'customer' } });
    expect(await f.moduleRef.get(EffectLedgerRepository).find('crm-worker', c.id, 'lead.create')).toMatchObject({ outcome: 'existed' });
  });

  it('a 409 on create (the look-up missed it) counts as existing, with the id HubSpot names', async () => {
    const c = command();
    const existing = await new HubSpotClient({ baseUrl: f.sandbox.url, token: CRM_SANDBOX_TOKEN }).createContact({ email: c.payload.email });
    // HubSpot's search lags behind writes: make the look-up miss.
    class LaggingSearch extends HubSpotClient {
      override async findContactByEmail() {
        return null;
      }
    }
    const gateway = new CrmGateway({
      fallbackClient: { kind: 'sandbox', client: new LaggingSearch({ baseUrl: f.sandbox.url, token: CRM_SANDBOX_TOKEN }) },
      timeoutMs: 2_000,
      calls: f.moduleRef.get(ResiliencePipelines),
    });
    const h = new CreateLeadHandler(f.moduleRef.get(CommandStep), gateway);
    await h.execute(c);
    expect(contactsWith(c.payload.email)).toHaveLength(1);
    const [event] = await f.outboxOf(c.id);
    expect(event!.body).toMatchObject({ type: 'crm.lead.created', payload: { alreadyExisted: true, contactId: existing.id } });
  });

  it('a 5xx storm: the delivery fails retryably with nothing committed, the redelivery creates exactly one lead', async () => {
    const c = command();
    f.sandbox.faults.set({ failNext: { count: 3, status: 503 } });
    await expect(handler.execute(c)).rejects.toMatchObject({ errorClass: 'server', retryable: true });
    expect(await f.outboxOf(c.id)).toHaveLength(0);
    expect(f.sandbox.requests.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(2);
    await handler.execute(c); // the broker's redelivery (one 503 left: ridden out inside the call)
    expect(contactsWith(c.payload.email)).toHaveLength(1);
    const events = await f.outboxOf(c.id);
    expect(events.map((e) => e.type)).toEqual(['crm.lead.created']);
  });

  it('a lost create response: the redelivery finds the contact instead of creating a second', async () => {
    class LostResponse extends HubSpotClient {
      lost = 1;
      override async createLead(...args: Parameters<HubSpotClient['createLead']>) {
        const created = await super.createLead(...args);
        if (this.lost-- > 0) throw new IntegrationError('network', 'socket hang up', { provider: 'crm', operation: 'createLead' });
        return created;
      }
    }
    const gateway = new CrmGateway({
      fallbackClient: { kind: 'sandbox', client: new LostResponse({ baseUrl: f.sandbox.url, token: CRM_SANDBOX_TOKEN }) },
      timeoutMs: 2_000,
      calls: f.moduleRef.get(ResiliencePipelines),
    });
    const h = new CreateLeadHandler(f.moduleRef.get(CommandStep), gateway);
    const c = command();
    await expect(h.execute(c)).rejects.toMatchObject({ retryable: true });
    await h.execute(c);
    expect(contactsWith(c.payload.email)).toHaveLength(1);
    const [event] = await f.outboxOf(c.id);
    expect(event!.body).toMatchObject({ payload: { alreadyExisted: true } });
  });

  it('a rejected token is thrown (dead-lettered for redrive), never answered as a data failure', async () => {
    const gateway = new CrmGateway({
      fallbackClient: { kind: 'sandbox', client: new HubSpotClient({ baseUrl: f.sandbox.url, token: 'pat-na1-revoked-token' }) },
      timeoutMs: 2_000,
      calls: f.moduleRef.get(ResiliencePipelines),
    });
    const c = command();
    const error = (await new CreateLeadHandler(f.moduleRef.get(CommandStep), gateway).execute(c).then(() => undefined, (e: unknown) => e)) as Error;
    expect(error).toMatchObject({ errorClass: 'auth', retryable: false });
    expect(error.message).not.toContain('revoked-token');
    expect(await f.outboxOf(c.id)).toHaveLength(0);
  });
});
