import { Injectable } from '@nestjs/common';
import { createMessage, redditSubredditMonitor } from '@junction/contracts';
import { z } from 'zod';
import type { BatchJob, BatchJobContext, BatchJobResult } from '../batch-job';
import { batchCommandId } from '../shared/command-id';
import { BatchPublishing } from '../shared/batch-publishing';
import type { BatchItem } from '../shared/paced-publisher';

export const redditMonitorSyncParams = z.strictObject({
  subreddits: z
    .array(z.string().regex(/^[A-Za-z0-9_]{2,21}$/, 'a subreddit name without r/ (letters, digits, _)'))
    .min(1)
    .max(500),
  /** The most new posts each monitor reads (reddit.subreddit.monitor's maxPosts). */
  maxPosts: z.number().int().min(1).max(1_000).optional(),
  ratePerSecond: z.number().positive().max(1_000).optional(),
});
export type RedditMonitorSyncParams = z.infer<typeof redditMonitorSyncParams>;

/**
 * `reddit.monitor.sync`: one reddit.subreddit.monitor per subreddit; reddit-analyzer reads what is new since that
 * subreddit's cursor and answers reddit.subreddit.monitored. A schedule every few minutes is a subreddit monitor.
 */
@Injectable()
export class RedditMonitorSyncJob implements BatchJob<RedditMonitorSyncParams> {
  readonly name = 'reddit.monitor.sync';
  readonly description = 'Reddit monitor: reddit.subreddit.monitor per subreddit (new posts since the last run)';
  readonly params = redditMonitorSyncParams;

  constructor(private readonly publishing: BatchPublishing) {}

  async run(context: BatchJobContext<RedditMonitorSyncParams>): Promise<BatchJobResult> {
    await context.progress.setTotal(context.params.subreddits.length);
    const pace = await this.publishing.paceFor(context.tenantId, 'reddit', context.params.ratePerSecond);
    const totals = await this.publishing.publish(context, monitorCommands(context), pace);
    return { commands: totals.published + totals.duplicates, published: totals.published, interrupted: totals.interrupted };
  }
}

async function* monitorCommands({ runId, tenantId, params }: BatchJobContext<RedditMonitorSyncParams>): AsyncGenerator<BatchItem> {
  for (const [index, subreddit] of params.subreddits.entries()) {
    // Parsed first so an absent maxPosts takes the contract's default.
    const payload = redditSubredditMonitor.command.payload.parse({ subreddit, maxPosts: params.maxPosts });
    yield { row: index + 1, message: createMessage('reddit.subreddit.monitor', payload, { tenantId, id: batchCommandId(runId, index + 1), correlationId: runId }) };
  }
}
