import type { CrmOpportunity, CrmPipeline } from '../../../crm/crm.port';
import { pipelineReport } from './pipeline-report';

const pipeline: CrmPipeline = {
  id: 'p',
  label: 'P',
  displayOrder: 0,
  stages: [
    { id: 'a', label: 'A', displayOrder: 0, probability: 0.1, isClosed: false },
    { id: 'b', label: 'B', displayOrder: 1, probability: 0.5, isClosed: false },
    { id: 'won', label: 'Won', displayOrder: 2, probability: 1, isClosed: true },
    { id: 'lost', label: 'Lost', displayOrder: 3, probability: 0, isClosed: true },
  ],
};
let n = 0;
const deal = (stageId: string | null, amount: number | null): CrmOpportunity => ({ id: String(++n), name: null, pipelineId: 'p', stageId, amount, closeDate: null });

describe('pipelineReport', () => {
  it('an empty pipeline: zeros, no win rate, conversions without a rate', () => {
    const r = pipelineReport(pipeline, []);
    expect(r).toMatchObject({ dealCount: 0, totalAmount: 0, weightedForecast: 0, winRate: null, dealsWithoutAmount: 0 });
    expect(r.conversions).toEqual([
      { fromStageId: 'a', toStageId: 'b', reached: 0, advanced: 0, rate: null },
      { fromStageId: 'b', toStageId: 'won', reached: 0, advanced: 0, rate: null },
    ]);
  });

  it('sums in cents: no float drift over many small amounts, weighted amounts rounded to cents', () => {
    const deals = Array.from({ length: 1_000 }, () => deal('a', 0.1));
    const r = pipelineReport(pipeline, deals);
    expect(r.totalAmount).toBe(100);
    expect(r.weightedForecast).toBe(10);
    expect(pipelineReport(pipeline, [deal('b', 0.05)]).weightedForecast).toBe(0.03); // 2.5 cents → 3
  });

  it('a deal in a stage the pipeline does not list, or in none, is counted apart and left out of stages and conversion', () => {
    const r = pipelineReport(pipeline, [deal('gone', 100), deal(null, 50), deal('b', 10)]);
    expect(r).toMatchObject({ dealCount: 3, dealsInUnknownStage: 2, totalAmount: 10 });
    expect(r.conversions[0]).toMatchObject({ reached: 1, advanced: 1, rate: 1 });
  });

  it('lost deals reached only the first stage; won deals every stage', () => {
    const r = pipelineReport(pipeline, [deal('lost', 1), deal('lost', 1), deal('won', 1), deal('b', null)]);
    expect(r.conversions.map((c) => [c.reached, c.advanced])).toEqual([
      [4, 2],
      [2, 1],
    ]);
    expect(r).toMatchObject({ winRate: 1 / 3, dealsWithoutAmount: 1, openDealCount: 1, wonAmount: 1 });
  });
});
