import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { CommandStep } from '@junction/messaging';
import { PostPublisher } from '../../post-publisher';

type ShareCommand = MessageOf<'linkedin.article.share'>;

/** linkedin.article.share → one post with `content.article`; idempotent like linkedin.post.publish. */
@Injectable()
export class ShareArticleHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly posts: PostPublisher,
  ) {}

  async execute(command: ShareCommand): Promise<void> {
    const { organizationId, commentary, visibility, article } = command.payload;
    await this.commands.run(command, {
      provider: 'linkedin',
      operation: 'article.share',
      naturalKey: command.id,
      effect: (context) => this.posts.publishOnce({ command, organizationId, commentary, visibility, article, operation: 'article.share' }, context),
      succeeded: (r) => ({ commandId: command.id, postUrn: r.urn, author: r.author, alreadyPublished: r.alreadyPublished, source: article.source }),
      ledger: (r) => ({ outcome: r.alreadyPublished ? 'existed' : 'created', externalRef: r.urn }),
    });
  }
}
