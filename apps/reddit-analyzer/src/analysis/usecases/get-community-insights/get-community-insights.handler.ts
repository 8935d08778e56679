import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import type { RedditCommentData } from '@junction/connectors/reddit';
import { CommandStep } from '@junction/messaging';
import { RedditAnalysisRepository } from '@junction/persistence';
import { RedditReader } from '../../../reddit/reddit-reader';
import { communityInsights } from '../../insights';

/**
 * reddit.community-insights.get → activity by hour (UTC), top authors and domains, engagement quantiles and top terms
 * over the newest `limit` posts, and the comments of the `commentsOfTopPosts` most commented ones.
 */
@Injectable()
export class GetCommunityInsightsHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly reddit: RedditReader,
    private readonly results: RedditAnalysisRepository,
  ) {}

  async execute(command: MessageOf<'reddit.community-insights.get'>): Promise<void> {
    const { subreddit, limit, commentsOfTopPosts, top } = command.payload;
    const resultId = randomUUID();
    await this.commands.run(command, {
      provider: 'reddit',
      operation: 'community-insights.get',
      naturalKey: `r/${subreddit.toLowerCase()}`,
      effect: async ({ signal }) => {
        const target = await this.reddit.target(command);
        const { items: posts } = await this.reddit.posts(target, command, { subreddit, sort: 'new', limit }, signal);
        const commented = [...posts].filter((p) => p.numComments > 0).sort((a, b) => b.numComments - a.numComments).slice(0, commentsOfTopPosts);
        const comments: RedditCommentData[] = [];
        // One at a time: they share the app's 100/min with everything else.
        for (const post of commented) comments.push(...(await this.reddit.comments(target, command, { postId: post.id }, signal)).comments);
        return communityInsights(posts, comments.map((c) => ({ author: c.author, createdUtc: c.createdUtc, score: c.score, body: c.body })), top);
      },
      ledger: () => ({ outcome: 'read', externalRef: resultId }),
      persist: (tx, insights) =>
        this.results.save(tx, {
          id: resultId,
          tenantId: command.tenantId,
          kind: 'community-insights',
          subreddit,
          commandId: command.id,
          itemCount: insights.posts + insights.comments,
          result: { subreddit, limit, commentsOfTopPosts, ...insights },
        }),
      succeeded: (insights) => ({
        commandId: command.id,
        subreddit,
        resultId,
        ...insights,
        topAuthors: insights.topAuthors.map((a) => ({ ...a, author: a.author.slice(0, 40) })),
        topDomains: insights.topDomains.map((d) => ({ ...d, domain: d.domain.slice(0, 200) })),
        topTerms: insights.topTerms.map((t) => ({ ...t, term: t.term.slice(0, 100) })),
      }),
    });
  }
}
