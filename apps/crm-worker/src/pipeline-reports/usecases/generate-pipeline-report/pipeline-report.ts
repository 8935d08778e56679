import type { MessagePayload } from '@junction/contracts';
import type { CrmOpportunity, CrmPipeline } from '../../../crm/crm.port';

type Report = MessagePayload<'crm.pipeline-report.generated'>;
export type PipelineReport = Omit<Report, 'commandId' | 'generatedAt' | 'pages'>;

/** Money is summed in cents (integers), so a report over thousands of deals does not drift by float error. */
const cents = (amount: number | null) => (amount === null ? 0 : Math.round(amount * 100));
const money = (c: number) => Math.round(c) / 100;

/**
 * Counts, amounts and the weighted forecast per stage, and the conversion between consecutive stages, from a snapshot
 * of every deal of the pipeline. A snapshot has no stage history, so conversion reads the funnel by position: the
 * pipeline's stages in display order without the lost stages (closed, probability 0); a deal in funnel stage k has
 * reached stages 0..k, a won deal (closed, probability > 0) every stage, a lost deal only the first.
 */
export function pipelineReport(pipeline: CrmPipeline, deals: readonly CrmOpportunity[]): PipelineReport {
  const byStage = new Map(pipeline.stages.map((s) => [s.id, { count: 0, cents: 0 }]));
  const isLost = (s: { isClosed: boolean; probability: number }) => s.isClosed && s.probability === 0;
  const isWon = (s: { isClosed: boolean; probability: number }) => s.isClosed && s.probability > 0;
  const stageOf = new Map(pipeline.stages.map((s) => [s.id, s]));
  const funnel = pipeline.stages.filter((s) => !isLost(s));
  const funnelIndex = new Map(funnel.map((s, i) => [s.id, i]));
  const reachedAt = new Array<number>(funnel.length).fill(0); // deals whose furthest funnel stage is i

  let dealsWithoutAmount = 0;
  let dealsInUnknownStage = 0;
  for (const deal of deals) {
    if (deal.amount === null) dealsWithoutAmount++;
    const stage = deal.stageId === null ? undefined : stageOf.get(deal.stageId);
    const row = stage && byStage.get(stage.id);
    if (!stage || !row) {
      dealsInUnknownStage++;
      continue;
    }
    row.count++;
    row.cents += cents(deal.amount);
    if (funnel.length === 0) continue;
    const furthest = isLost(stage) ? 0 : isWon(stage) ? funnel.length - 1 : funnelIndex.get(stage.id)!;
    reachedAt[furthest]!++;
  }

  const stages = pipeline.stages.map((s) => {
    const row = byStage.get(s.id)!;
    return {
      stageId: s.id,
      label: s.label,
      displayOrder: s.displayOrder,
      probability: s.probability,
      isClosed: s.isClosed,
      dealCount: row.count,
      amount: money(row.cents),
      weightedAmount: money(row.cents * s.probability),
    };
  });
  const sum = (rows: typeof stages, pick: (r: (typeof stages)[number]) => number) => rows.reduce((t, r) => t + pick(r), 0);
  const centsOf = (rows: typeof stages) => sum(rows, (r) => byStage.get(r.stageId)!.cents);
  const weightedCentsOf = (rows: typeof stages) => sum(rows, (r) => byStage.get(r.stageId)!.cents * r.probability);
  const open = stages.filter((r) => !r.isClosed);
  const won = stages.filter((r) => isWon(r));
  const wonCount = sum(won, (r) => r.dealCount);
  const lostCount = sum(stages.filter((r) => isLost(r)), (r) => r.dealCount);

  // reached(i) = deals whose furthest stage is i or later.
  const reached = reachedAt.map((_, i) => reachedAt.slice(i).reduce((t, n) => t + n, 0));
  const conversions = funnel.slice(0, -1).map((s, i) => ({
    fromStageId: s.id,
    toStageId: funnel[i + 1]!.id,
    reached: reached[i]!,
    advanced: reached[i + 1]!,
    rate: reached[i]! === 0 ? null : reached[i + 1]! / reached[i]!,
  }));

  return {
    pipelineId: pipeline.id,
    pipelineLabel: pipeline.label,
    dealCount: deals.length,
    totalAmount: money(centsOf(stages)),
    weightedForecast: money(weightedCentsOf(stages)),
    openDealCount: sum(open, (r) => r.dealCount),
    openAmount: money(centsOf(open)),
    openWeightedForecast: money(weightedCentsOf(open)),
    wonAmount: money(centsOf(won)),
    winRate: wonCount + lostCount === 0 ? null : wonCount / (wonCount + lostCount),
    dealsWithoutAmount,
    dealsInUnknownStage,
    stages,
    conversions,
  };
}
