import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageOf } from '@junction/contracts';
import { GetPostCommentsHandler } from './usecases/get-post-comments/get-post-comments.handler';
import { GetSubredditPostsHandler } from './usecases/get-subreddit-posts/get-subreddit-posts.handler';
import { MonitorSubredditHandler } from './usecases/monitor-subreddit/monitor-subreddit.handler';
import { SearchPostsHandler } from './usecases/search-posts/search-posts.handler';

/** Maps messages to use cases; nothing else. */
@Controller()
export class PostsConsumer {
  constructor(
    private readonly subredditPosts: GetSubredditPostsHandler,
    private readonly postComments: GetPostCommentsHandler,
    private readonly searchPosts: SearchPostsHandler,
    private readonly monitor: MonitorSubredditHandler,
  ) {}

  @EventPattern('reddit.subreddit-posts.get')
  async onSubredditPosts(@Payload() command: MessageOf<'reddit.subreddit-posts.get'>): Promise<void> {
    await this.subredditPosts.execute(command);
  }

  @EventPattern('reddit.post-comments.get')
  async onPostComments(@Payload() command: MessageOf<'reddit.post-comments.get'>): Promise<void> {
    await this.postComments.execute(command);
  }

  @EventPattern('reddit.search')
  async onSearch(@Payload() command: MessageOf<'reddit.search'>): Promise<void> {
    await this.searchPosts.execute(command);
  }

  @EventPattern('reddit.subreddit.monitor')
  async onMonitor(@Payload() command: MessageOf<'reddit.subreddit.monitor'>): Promise<void> {
    await this.monitor.execute(command);
  }
}
