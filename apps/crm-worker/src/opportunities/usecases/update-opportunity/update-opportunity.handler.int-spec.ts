import { createMessage, type MessageOf } from '@junction/contracts';
import { CRM_SANDBOX_TOKEN, HubSpotClient } from '@junction/connectors/crm';
import { EffectLedgerRepository } from '@junction/persistence';
import { crmFixture, type CrmFixture } from '../../../crm/crm-test.fixture';
import { UpdateOpportunityHandler } from './update-opportunity.handler';

/** crm.opportunity.update against real Postgres and the CRM sandbox. */
describe('UpdateOpportunityHandler (Postgres + CRM sandbox)', () => {
  let f: CrmFixture;
  let handler: UpdateOpportunityHandler;
  let client: HubSpotClient;

  beforeAll(async () => {
    f = await crmFixture([UpdateOpportunityHandler]);
    handler = f.moduleRef.get(UpdateOpportunityHandler);
    client = new HubSpotClient({ baseUrl: f.sandbox.url, token: CRM_SANDBOX_TOKEN });
  });
  afterAll(() => f?.close());
  afterEach(() => f.sandbox.faults.clear());

  const deal = async () => {
    const res = await fetch(`${f.sandbox.url}/crm/v3/objects/deals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CRM_SANDBOX_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { dealname: 'Renewal', amount: '1000', dealstage: 'qualifiedtobuy', closedate: '2026-06-30T00:00:00.000Z' } }),
    });
    return ((await res.json()) as { id: string }).id;
  };
  const command = (payload: MessageOf<'crm.opportunity.update'>['payload']) => createMessage('crm.opportunity.update', payload, { tenantId: 't1' });
  const patches = (id: string) => f.sandbox.requests.filter((r) => r.method === 'PATCH' && r.path === `/crm/v3/objects/deals/${id}`).length;

  it('moves the deal (stage, amount, close date), records the effect and queues crm.opportunity.updated', async () => {
    const id = await deal();
    const c = command({ dealId: id, stage: 'contractsent', amount: 1250.5, closeDate: '2026-07-15' });
    await handler.execute(c);
    expect((await client.getDeal(id)).properties).toMatchObject({ dealstage: 'contractsent', amount: '1250.5', closedate: '2026-07-15T00:00:00.000Z' });
    const events = await f.outboxOf(c.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'crm.opportunity.updated', topic: 'crm.events' });
    expect(events[0]!.body).toMatchObject({
      causationId: c.id,
      payload: { dealId: id, pipelineId: 'default', stage: 'contractsent', amount: 1250.5, closeDate: '2026-07-15', changed: ['stage', 'amount', 'closeDate'] },
    });
    expect(await f.moduleRef.get(EffectLedgerRepository).find('crm-worker', c.id, 'opportunity.update')).toMatchObject({ outcome: 'updated', externalRef: id });
  });

  it('writes only what differs, and nothing when the deal is already in the requested state', async () => {
    const id = await deal();
    const partly = command({ dealId: id, stage: 'qualifiedtobuy', amount: 2000 });
    await handler.execute(partly);
    expect(f.sandbox.ledger.filter((e) => e.id === id && e.action === 'updated').map((e) => e.properties)).toEqual([{ amount: '2000' }]);
    expect((await f.outboxOf(partly.id))[0]!.body).toMatchObject({ payload: { changed: ['amount'] } });

    const same = command({ dealId: id, stage: 'qualifiedtobuy', amount: 2000.0, closeDate: '2026-06-30' });
    const before = patches(id);
    await handler.execute(same);
    expect(patches(id)).toBe(before);
    expect((await f.outboxOf(same.id))[0]!.body).toMatchObject({ type: 'crm.opportunity.updated', payload: { changed: [], stage: 'qualifiedtobuy', amount: 2000 } });
    expect(await f.moduleRef.get(EffectLedgerRepository).find('crm-worker', same.id, 'opportunity.update')).toMatchObject({ outcome: 'existed' });
  });

  it('a redelivered command is acknowledged without calling the CRM: one PATCH, one event', async () => {
    const id = await deal();
    const c = command({ dealId: id, amount: 999 });
    await handler.execute(c);
    const before = f.sandbox.requests.length;
    await handler.execute(c);
    expect(f.sandbox.requests.length).toBe(before);
    expect(patches(id)).toBe(1);
    expect(await f.outboxOf(c.id)).toHaveLength(1);
  });

  it('a stage outside the deal’s pipeline is answered with crm.opportunity.update.failed (validation), never sent', async () => {
    const id = await deal();
    const c = command({ dealId: id, stage: 'negotiation' });
    await handler.execute(c);
    expect(patches(id)).toBe(0);
    const events = await f.outboxOf(c.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.body).toMatchObject({
      type: 'crm.opportunity.update.failed',
      payload: { commandId: c.id, commandType: 'crm.opportunity.update', code: 'PROVIDER_VALIDATION', errorClass: 'validation', deadLettered: false },
    });
    expect((events[0]!.body as { payload: { message: string } }).payload.message).toMatch(/negotiation is not a stage of the deal's pipeline default/);
  });

  it('an unknown deal is answered with crm.opportunity.update.failed (not found)', async () => {
    const c = command({ dealId: '987654', amount: 1 });
    await handler.execute(c);
    const [event] = await f.outboxOf(c.id);
    expect(event!.body).toMatchObject({ type: 'crm.opportunity.update.failed', payload: { code: 'PROVIDER_NOT_FOUND', errorClass: 'not_found' } });
  });

  it('a 5xx storm: retried within the call and by redelivery, then one update and one event', async () => {
    const id = await deal();
    const c = command({ dealId: id, stage: 'closedwon' });
    f.sandbox.faults.set({ failNext: { count: 3, status: 502 } });
    await expect(handler.execute(c)).rejects.toMatchObject({ errorClass: 'server', retryable: true });
    expect(await f.outboxOf(c.id)).toHaveLength(0);
    await handler.execute(c);
    expect((await client.getDeal(id)).properties.dealstage).toBe('closedwon');
    expect(f.sandbox.ledger.filter((e) => e.id === id && e.action === 'updated')).toHaveLength(1);
    expect((await f.outboxOf(c.id)).map((e) => e.type)).toEqual(['crm.opportunity.updated']);
  });
});
