import { Module } from '@nestjs/common';
import { PostsConsumer } from './posts.consumer';
import { GetPostCommentsHandler } from './usecases/get-post-comments/get-post-comments.handler';
import { GetSubredditPostsHandler } from './usecases/get-subreddit-posts/get-subreddit-posts.handler';
import { MonitorSubredditHandler } from './usecases/monitor-subreddit/monitor-subreddit.handler';
import { SearchPostsHandler } from './usecases/search-posts/search-posts.handler';

/** Reading Reddit: subreddit listings, comment trees, search, and the subreddit monitor (needs RedditModule). */
@Module({
  controllers: [PostsConsumer],
  providers: [GetSubredditPostsHandler, GetPostCommentsHandler, SearchPostsHandler, MonitorSubredditHandler],
})
export class PostsModule {}
