import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { CommandStep } from '@junction/messaging';
import { RedditAnalysisRepository } from '@junction/persistence';
import { RedditReader } from '../../../reddit/reddit-reader';
import { capped, commentSummary, storedComment, storedPost } from '../../../reddit/reddit-summaries';

/** reddit.post-comments.get → the post's comment tree flattened (depth, parent), `more` stubs counted; stored. */
@Injectable()
export class GetPostCommentsHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly reddit: RedditReader,
    private readonly results: RedditAnalysisRepository,
  ) {}

  async execute(command: MessageOf<'reddit.post-comments.get'>): Promise<void> {
    const { limit, depth } = command.payload;
    const postId = command.payload.postId.replace(/^t3_/, '');
    const resultId = randomUUID();
    await this.commands.run(command, {
      provider: 'reddit',
      operation: 'post-comments.get',
      naturalKey: `t3_${postId}`,
      effect: async ({ signal }) => this.reddit.comments(await this.reddit.target(command), command, { postId, limit, depth }, signal),
      ledger: () => ({ outcome: 'read', externalRef: resultId }),
      persist: (tx, thread) =>
        this.results.save(tx, {
          id: resultId,
          tenantId: command.tenantId,
          kind: 'post-comments',
          subreddit: thread.post.subreddit,
          query: `t3_${postId}`,
          commandId: command.id,
          itemCount: thread.comments.length,
          result: { post: storedPost(thread.post), comments: thread.comments.map(storedComment), more: thread.more, maxDepth: thread.maxDepth },
        }),
      succeeded: (thread) => {
        const { list, omitted } = capped(thread.comments.map(commentSummary));
        return { commandId: command.id, postId, resultId, total: thread.comments.length, moreCount: thread.more.count, maxDepth: thread.maxDepth, comments: list, omitted };
      },
    });
  }
}
