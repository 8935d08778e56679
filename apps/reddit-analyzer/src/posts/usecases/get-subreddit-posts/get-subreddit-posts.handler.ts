import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { CommandStep } from '@junction/messaging';
import { RedditAnalysisRepository } from '@junction/persistence';
import { RedditReader } from '../../../reddit/reddit-reader';
import { capped, postSummary, storedPost } from '../../../reddit/reddit-summaries';

/** reddit.subreddit-posts.get → up to `limit` posts (paged 100 at a time), stored; the event lists the first 50. */
@Injectable()
export class GetSubredditPostsHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly reddit: RedditReader,
    private readonly results: RedditAnalysisRepository,
  ) {}

  async execute(command: MessageOf<'reddit.subreddit-posts.get'>): Promise<void> {
    const { subreddit, sort, time, limit } = command.payload;
    const resultId = randomUUID();
    await this.commands.run(command, {
      provider: 'reddit',
      operation: 'subreddit-posts.get',
      naturalKey: `r/${subreddit.toLowerCase()}`,
      effect: async ({ signal }) => {
        const target = await this.reddit.target(command);
        return (await this.reddit.posts(target, command, { subreddit, sort, time, limit }, signal)).items;
      },
      ledger: () => ({ outcome: 'read', externalRef: resultId }),
      persist: (tx, posts) =>
        this.results.save(tx, {
          id: resultId,
          tenantId: command.tenantId,
          kind: 'subreddit-posts',
          subreddit,
          commandId: command.id,
          itemCount: posts.length,
          result: { subreddit, sort, time: time ?? null, limit, posts: posts.map(storedPost) },
        }),
      succeeded: (posts) => {
        const { list, omitted } = capped(posts.map(postSummary));
        return { commandId: command.id, subreddit, sort, resultId, total: posts.length, posts: list, omitted };
      },
    });
  }
}
