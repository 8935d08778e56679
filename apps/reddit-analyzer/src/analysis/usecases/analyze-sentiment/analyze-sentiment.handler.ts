import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { analyzeSentiment, type ScoredItem } from '@junction/connectors/reddit';
import type { MessageOf } from '@junction/contracts';
import { CommandStep } from '@junction/messaging';
import { RedditAnalysisRepository } from '@junction/persistence';
import { AnalysisSourceLoader } from '../../analysis-source.loader';

const LISTED = 10;

/** reddit.sentiment.analyze → every post or comment scored (AFINN-165) and the aggregate; stored, extremes in the event. */
@Injectable()
export class AnalyzeSentimentHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly sources: AnalysisSourceLoader,
    private readonly results: RedditAnalysisRepository,
  ) {}

  async execute(command: MessageOf<'reddit.sentiment.analyze'>): Promise<void> {
    const { source } = command.payload;
    const resultId = randomUUID();
    await this.commands.run(command, {
      provider: 'reddit',
      operation: 'sentiment.analyze',
      naturalKey: command.id,
      effect: async ({ signal }) => {
        const loaded = await this.sources.load(command, source, signal);
        return { ...loaded, ...analyzeSentiment(loaded.documents) };
      },
      ledger: () => ({ outcome: 'read', externalRef: resultId }),
      persist: (tx, run) =>
        this.results.save(tx, {
          id: resultId,
          tenantId: command.tenantId,
          kind: 'sentiment',
          subreddit: run.subreddit,
          query: run.query,
          commandId: command.id,
          itemCount: run.items.length,
          result: { source, aggregate: run.aggregate, items: run.items.map((item, i) => ({ ...item, createdUtc: run.documents[i]!.createdUtc, author: run.documents[i]!.author })) },
        }),
      succeeded: (run) => {
        const ranked = [...run.items].sort((a, b) => b.comparative - a.comparative);
        const mostPositive = ranked.filter((i) => i.label === 'positive').slice(0, LISTED).map(listed);
        const mostNegative = ranked.filter((i) => i.label === 'negative').reverse().slice(0, LISTED).map(listed);
        return { commandId: command.id, resultId, aggregate: run.aggregate, mostPositive, mostNegative, omitted: run.items.length - mostPositive.length - mostNegative.length };
      },
    });
  }
}

function listed(item: ScoredItem) {
  return { fullname: item.fullname.slice(0, 24), kind: item.kind, comparative: item.comparative, label: item.label, excerpt: item.excerpt };
}
