import { Module } from '@nestjs/common';
import { PostPublisher } from './post-publisher';
import { PostsConsumer } from './posts.consumer';
import { PublishPostHandler } from './usecases/publish-post/publish-post.handler';
import { ShareArticleHandler } from './usecases/share-article/share-article.handler';

/** Company updates and article shares. */
@Module({
  controllers: [PostsConsumer],
  providers: [PostPublisher, PublishPostHandler, ShareArticleHandler],
})
export class PostsModule {}
