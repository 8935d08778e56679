import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { CommandStep } from '@junction/messaging';
import { RedditAnalysisRepository } from '@junction/persistence';
import { AnalysisSourceLoader } from '../../analysis-source.loader';
import { detectTrends } from '../../trends';

const HOUR = 3_600;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * reddit.trends.detect → terms whose share of documents in the latest window (ending at `asOf`, default now) rises
 * well above the baseline window before it. The source must reach back over the baseline: the event reports how many
 * documents each window had, so a thin baseline is visible.
 */
@Injectable()
export class DetectTrendsHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly sources: AnalysisSourceLoader,
    private readonly results: RedditAnalysisRepository,
  ) {}

  async execute(command: MessageOf<'reddit.trends.detect'>): Promise<void> {
    const { source, windowHours, baselineHours, minCount, top, asOf } = command.payload;
    const resultId = randomUUID();
    await this.commands.run(command, {
      provider: 'reddit',
      operation: 'trends.detect',
      naturalKey: command.id,
      effect: async ({ signal }) => {
        const loaded = await this.sources.load(command, source, signal);
        // Fixed when the command is handled (or by asOf), not when the posts were read: a retry analyses the same window.
        const windowEnd = Math.floor((asOf ? Date.parse(asOf) : Date.parse(command.occurredAt)) / 1000);
        const windowStart = windowEnd - windowHours * HOUR;
        const baselineStart = windowStart - baselineHours * HOUR;
        const result = detectTrends(loaded.documents, { windowStart, windowEnd, baselineStart, minCount, top });
        return { ...loaded, windowStart, windowEnd, baselineStart, result };
      },
      ledger: () => ({ outcome: 'read', externalRef: resultId }),
      persist: (tx, run) =>
        this.results.save(tx, {
          id: resultId,
          tenantId: command.tenantId,
          kind: 'trends',
          subreddit: run.subreddit,
          query: run.query,
          commandId: command.id,
          itemCount: run.documents.length,
          result: { source, windowStart: run.windowStart, windowEnd: run.windowEnd, baselineStart: run.baselineStart, minCount, ...run.result },
        }),
      succeeded: (run) => ({
        commandId: command.id,
        resultId,
        window: { from: iso(run.windowStart), to: iso(run.windowEnd), documents: run.result.windowDocuments },
        baseline: { from: iso(run.baselineStart), to: iso(run.windowStart), documents: run.result.baselineDocuments },
        trends: run.result.trends.map((t) => ({ term: t.term.slice(0, 100), score: t.score, windowCount: t.windowCount, baselineCount: t.baselineCount, windowRate: t.windowRate, baselineRate: t.baselineRate })),
      }),
    });
  }
}
