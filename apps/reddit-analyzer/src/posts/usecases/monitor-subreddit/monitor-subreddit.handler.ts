import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import type { RedditPostData } from '@junction/connectors/reddit';
import { CommandStep } from '@junction/messaging';
import { isNewerRedditId, RedditAnalysisRepository, type RedditCursorKey } from '@junction/persistence';
import { RedditReader } from '../../../reddit/reddit-reader';
import { capped, postSummary, storedPost } from '../../../reddit/reddit-summaries';

interface MonitorRun {
  key: RedditCursorKey;
  previous: { lastFullname: string | null; lastCreatedUtc: number | null };
  firstRun: boolean;
  /** Newest first. */
  posts: RedditPostData[];
  gap: boolean;
}

/**
 * reddit.subreddit.monitor → the posts newer than the subreddit's cursor (per tenant and connection). The first run
 * reads the newest `maxPosts` as a backfill. The cursor moves in the transaction that commits the run's event: a
 * crash before it re-reads the same posts next time (never skips them), and a redelivered command is acknowledged
 * without reading or moving anything. Reddit ids grow with time, so "newer" is an id comparison, which still holds
 * when the post the cursor names has been deleted.
 */
@Injectable()
export class MonitorSubredditHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly reddit: RedditReader,
    private readonly results: RedditAnalysisRepository,
  ) {}

  async execute(command: MessageOf<'reddit.subreddit.monitor'>): Promise<void> {
    const { subreddit, maxPosts } = command.payload;
    const resultId = randomUUID();
    await this.commands.run(command, {
      provider: 'reddit',
      operation: 'subreddit.monitor',
      naturalKey: `r/${subreddit.toLowerCase()}`,
      effect: async ({ signal }): Promise<MonitorRun> => {
        const target = await this.reddit.target(command);
        const key: RedditCursorKey = { tenantId: command.tenantId, connection: target.connection, subreddit };
        const cursor = await this.results.cursor(key);
        const last = cursor?.lastFullname ?? null;
        const seen = last === null ? undefined : (post: RedditPostData) => !isNewerRedditId(post.fullname, last);
        const read = await this.reddit.posts(target, command, { subreddit, sort: 'new', limit: maxPosts }, signal, seen);
        return {
          key,
          previous: { lastFullname: last, lastCreatedUtc: cursor?.lastCreatedUtc ?? null },
          firstRun: last === null,
          posts: read.items,
          // Stopped by maxPosts with more pages before the cursor: the posts in between were not read.
          gap: last !== null && !read.stopped && read.after !== null,
        };
      },
      ledger: (run) => ({ outcome: 'read', externalRef: run.posts[0]?.fullname ?? run.previous.lastFullname }),
      persist: async (tx, run) => {
        const newest = run.posts[0];
        await this.results.save(tx, {
          id: resultId,
          tenantId: command.tenantId,
          kind: 'monitor',
          subreddit,
          commandId: command.id,
          itemCount: run.posts.length,
          result: { subreddit, connection: run.key.connection, firstRun: run.firstRun, gap: run.gap, previous: run.previous, posts: run.posts.map(storedPost) },
        });
        await this.results.advanceCursor(tx, run.key, newest ? { lastFullname: newest.fullname, lastCreatedUtc: newest.createdUtc, commandId: command.id } : null);
      },
      succeeded: (run) => {
        const newest = run.posts[0];
        const { list, omitted } = capped(run.posts.map(postSummary));
        return {
          commandId: command.id,
          subreddit,
          resultId,
          firstRun: run.firstRun,
          newPosts: run.posts.length,
          gap: run.gap,
          cursor: newest ? { lastFullname: newest.fullname, lastCreatedUtc: newest.createdUtc } : run.previous,
          posts: list,
          omitted,
        };
      },
    });
  }
}
