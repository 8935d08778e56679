import { createMessage, type MessagePayload } from '@junction/contracts';
import { CRM_SANDBOX_TOKEN, DEFAULT_PIPELINES, HubSpotClient, type HubSpotCallOptions, type HubSpotSearchRequest, type Pipeline } from '@junction/connectors/crm';
import { CommandStep } from '@junction/messaging';
import { ResiliencePipelines } from '@junction/resilience';
import { CrmGateway } from '../../../crm/crm-gateway';
import { crmFixture, type CrmFixture } from '../../../crm/crm-test.fixture';
import { GeneratePipelineReportHandler } from './generate-pipeline-report.handler';

const PARTNERS: Pipeline = {
  id: 'partners',
  label: 'Partner deals',
  displayOrder: 1,
  stages: [
    { id: 'p-open', label: 'Open', displayOrder: 0, metadata: { isClosed: 'false', probability: '0.5' } },
    { id: 'p-won', label: 'Won', displayOrder: 1, metadata: { isClosed: 'true', probability: '1.0' } },
  ],
};

/**
 * The seeded default pipeline, per stage: [stage, deals, amount each]. Plus 3 deals without an amount in the first
 * stage and 10 partner-pipeline deals that must not count. 243 default deals → 3 search pages of 100.
 */
const SEED: [string, number, number][] = [
  ['appointmentscheduled', 60, 1000],
  ['qualifiedtobuy', 50, 2000],
  ['presentationscheduled', 40, 1500],
  ['decisionmakerboughtin', 30, 3000],
  ['contractsent', 20, 5000],
  ['closedwon', 25, 4000],
  ['closedlost', 15, 2500],
];

/** crm.pipeline-report.generate over a pipeline spanning several search pages, with hand-computed figures. */
describe('GeneratePipelineReportHandler (Postgres + CRM sandbox)', () => {
  let f: CrmFixture;
  let handler: GeneratePipelineReportHandler;

  beforeAll(async () => {
    f = await crmFixture([GeneratePipelineReportHandler], { pipelines: [...DEFAULT_PIPELINES, PARTNERS] }, { searchPageSize: 100 });
    handler = f.moduleRef.get(GeneratePipelineReportHandler);
    // Interleaved, so every page holds every stage.
    const queue = SEED.map(([stage, count, amount]) => ({ stage, amount, left: count }));
    const create = (properties: Record<string, string>) =>
      fetch(`${f.sandbox.url}/crm/v3/objects/deals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CRM_SANDBOX_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ properties }),
      }).then((r) => expect(r.status).toBe(201));
    let i = 0;
    while (queue.some((q) => q.left > 0)) {
      for (const q of queue.filter((x) => x.left > 0)) {
        q.left--;
        // Close dates: odd-numbered deals in January, even in February 2026.
        await create({ dealname: `D${i}`, dealstage: q.stage, amount: String(q.amount), closedate: `2026-0${(i++ % 2) + 1}-15T00:00:00.000Z` });
      }
      if (i % 50 === 0) await create({ dealname: 'partner', pipeline: 'partners', dealstage: 'p-open', amount: '777' });
    }
    for (let k = 0; k < 3; k++) await create({ dealname: `no amount ${k}`, dealstage: 'appointmentscheduled', closedate: '2026-03-01T00:00:00.000Z' });
    while (f.sandbox.objects('deals').filter((d) => d.properties.pipeline === 'partners').length < 10) {
      await create({ dealname: 'partner', pipeline: 'partners', dealstage: 'p-won', amount: '777' });
    }
  });
  afterAll(() => f?.close());

  const report = async (payload: MessagePayload<'crm.pipeline-report.generate'> = {}, h = handler) => {
    const c = createMessage('crm.pipeline-report.generate', payload, { tenantId: 't1' });
    await h.execute(c);
    const events = await f.outboxOf(c.id);
    expect(events).toHaveLength(1);
    return events[0]!.body as { type: string; payload: Record<string, unknown> & { stages: Record<string, unknown>[]; conversions: Record<string, unknown>[] } };
  };

  it('reads every page and reports counts, amounts, weighted forecast and conversions exactly', async () => {
    const searchesBefore = f.sandbox.requests.filter((r) => r.path === '/crm/v3/objects/deals/search').length;
    const { type, payload } = await report();
    expect(type).toBe('crm.pipeline-report.generated');
    expect(f.sandbox.requests.filter((r) => r.path === '/crm/v3/objects/deals/search').length - searchesBefore).toBe(3);
    expect(payload).toMatchObject({
      pipelineId: 'default',
      pipelineLabel: 'Sales Pipeline',
      pages: 3,
      dealCount: 243,
      totalAmount: 547_500,
      // 60k×.2 + 100k×.4 + 60k×.6 + 90k×.8 + 100k×.9 + 100k×1 = 12k + 40k + 36k + 72k + 90k + 100k
      weightedForecast: 350_000,
      openDealCount: 203,
      openAmount: 410_000,
      openWeightedForecast: 250_000,
      wonAmount: 100_000,
      winRate: 25 / 40,
      dealsWithoutAmount: 3,
      dealsInUnknownStage: 0,
    });
    expect(payload.stages.map((s) => [s.stageId, s.dealCount, s.amount, s.weightedAmount, s.probability])).toEqual([
      ['appointmentscheduled', 63, 60_000, 12_000, 0.2],
      ['qualifiedtobuy', 50, 100_000, 40_000, 0.4],
      ['presentationscheduled', 40, 60_000, 36_000, 0.6],
      ['decisionmakerboughtin', 30, 90_000, 72_000, 0.8],
      ['contractsent', 20, 100_000, 90_000, 0.9],
      ['closedwon', 25, 100_000, 100_000, 1],
      ['closedlost', 15, 37_500, 0, 0],
    ]);
    // Reached stage k = deals at k or later, won deals at every stage, lost deals at the first only.
    expect(payload.conversions.map((c) => [c.fromStageId, c.toStageId, c.reached, c.advanced])).toEqual([
      ['appointmentscheduled', 'qualifiedtobuy', 243, 165],
      ['qualifiedtobuy', 'presentationscheduled', 165, 115],
      ['presentationscheduled', 'decisionmakerboughtin', 115, 75],
      ['decisionmakerboughtin', 'contractsent', 75, 45],
      ['contractsent', 'closedwon', 45, 25],
    ]);
    expect(payload.conversions.map((c) => c.rate)).toEqual([165 / 243, 115 / 165, 75 / 115, 45 / 75, 25 / 45]);
  });

  it('continues past the per-query result cap with hs_object_id > last id, to the same figures', async () => {
    const queries: HubSpotSearchRequest[] = [];
    class Recording extends HubSpotClient {
      override searchDeals(query: HubSpotSearchRequest, options?: HubSpotCallOptions) {
        queries.push(query);
        return super.searchDeals(query, options);
      }
    }
    const gateway = new CrmGateway({
      fallbackClient: { kind: 'sandbox', client: new Recording({ baseUrl: f.sandbox.url, token: CRM_SANDBOX_TOKEN }) },
      timeoutMs: 2_000,
      calls: f.moduleRef.get(ResiliencePipelines),
      adapter: { searchPageSize: 100, maxResultsPerQuery: 150 },
    });
    const { payload } = await report({}, new GeneratePipelineReportHandler(f.moduleRef.get(CommandStep), gateway));
    expect(payload).toMatchObject({ dealCount: 243, totalAmount: 547_500, weightedForecast: 350_000, pages: 3 });
    // Every page restarts the query (offset 0) after the last id seen, instead of an offset past the cap.
    expect(queries.map((q) => [q.after, q.filterGroups![0]!.filters.find((x) => x.propertyName === 'hs_object_id')?.operator])).toEqual([
      [undefined, undefined],
      [undefined, 'GT'],
      [undefined, 'GT'],
    ]);
  });

  it('reports another pipeline by id, and only deals closing in a date range', async () => {
    expect((await report({ pipelineId: 'partners' })).payload).toMatchObject({ pipelineId: 'partners', dealCount: 10, totalAmount: 7_770, pages: 1 });
    // Deals created in round-robin order got alternating months; the 3 amount-less deals close in March.
    const january = (await report({ closeDateFrom: '2026-01-01', closeDateTo: '2026-01-31' })).payload;
    const february = (await report({ closeDateFrom: '2026-02-01', closeDateTo: '2026-02-28' })).payload;
    expect((january.dealCount as number) + (february.dealCount as number)).toBe(240);
    expect(january.dealCount).toBe(120);
    expect((january.totalAmount as number) + (february.totalAmount as number)).toBe(547_500);
  });

  it('an unknown pipeline is answered with crm.pipeline-report.generate.failed (not found)', async () => {
    const c = createMessage('crm.pipeline-report.generate', { pipelineId: 'nope' }, { tenantId: 't1' });
    await handler.execute(c);
    const [event] = await f.outboxOf(c.id);
    expect(event!.body).toMatchObject({ type: 'crm.pipeline-report.generate.failed', payload: { code: 'PROVIDER_NOT_FOUND', errorClass: 'not_found' } });
  });

  it('a 5xx storm on the search: the delivery fails retryably, the redelivery reports the full figures', async () => {
    const c = createMessage('crm.pipeline-report.generate', {}, { tenantId: 't1' });
    f.sandbox.faults.set({ failNext: { count: 2, status: 503 }, paths: ['/crm/v3/objects/deals/search'] });
    await expect(handler.execute(c)).rejects.toMatchObject({ errorClass: 'server', retryable: true });
    f.sandbox.faults.clear();
    await handler.execute(c);
    const events = await f.outboxOf(c.id);
    expect(events).toHaveLength(1);
    expect((events[0]!.body as { payload: unknown }).payload).toMatchObject({ dealCount: 243, totalAmount: 547_500, pages: 3 });
  });
});
