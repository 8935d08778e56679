import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { CommandStep } from '@junction/messaging';
import { RedditAnalysisRepository } from '@junction/persistence';
import { RedditReader } from '../../../reddit/reddit-reader';
import { capped, postSummary, storedPost } from '../../../reddit/reddit-summaries';

/** reddit.search → up to `limit` matching posts, site-wide or in one subreddit; stored, the first 50 in the event. */
@Injectable()
export class SearchPostsHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly reddit: RedditReader,
    private readonly results: RedditAnalysisRepository,
  ) {}

  async execute(command: MessageOf<'reddit.search'>): Promise<void> {
    const { q, subreddit, sort, time, limit } = command.payload;
    const resultId = randomUUID();
    await this.commands.run(command, {
      provider: 'reddit',
      operation: 'search',
      naturalKey: subreddit ? `r/${subreddit.toLowerCase()}?q=${q}`.slice(0, 300) : `q=${q}`.slice(0, 300),
      effect: async ({ signal }) => (await this.reddit.search(await this.reddit.target(command), command, { q, subreddit, sort, time, limit }, signal)).items,
      ledger: () => ({ outcome: 'read', externalRef: resultId }),
      persist: (tx, posts) =>
        this.results.save(tx, {
          id: resultId,
          tenantId: command.tenantId,
          kind: 'search',
          subreddit: subreddit ?? null,
          query: q,
          commandId: command.id,
          itemCount: posts.length,
          result: { q, subreddit: subreddit ?? null, sort, time, limit, posts: posts.map(storedPost) },
        }),
      succeeded: (posts) => {
        const { list, omitted } = capped(posts.map(postSummary));
        return { commandId: command.id, q, ...(subreddit ? { subreddit } : {}), resultId, total: posts.length, posts: list, omitted };
      },
    });
  }
}
