import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageOf } from '@junction/contracts';
import { PublishPostHandler } from './usecases/publish-post/publish-post.handler';
import { ShareArticleHandler } from './usecases/share-article/share-article.handler';

/** Maps messages to use cases; nothing else. */
@Controller()
export class PostsConsumer {
  constructor(
    private readonly publishPost: PublishPostHandler,
    private readonly shareArticle: ShareArticleHandler,
  ) {}

  @EventPattern('linkedin.post.publish')
  async onPublish(@Payload() command: MessageOf<'linkedin.post.publish'>): Promise<void> {
    await this.publishPost.execute(command);
  }

  @EventPattern('linkedin.article.share')
  async onShare(@Payload() command: MessageOf<'linkedin.article.share'>): Promise<void> {
    await this.shareArticle.execute(command);
  }
}
