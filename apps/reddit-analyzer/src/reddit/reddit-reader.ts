import { Injectable } from '@nestjs/common';
import {
  collectPages,
  type CollectedPages,
  type RedditCallOptions,
  type RedditCommentThread,
  type RedditListingSort,
  type RedditPort,
  type RedditPostData,
  type RedditSearchSort,
  type RedditTimeFilter,
} from '@junction/connectors/reddit';
import type { ConnectionTarget } from '@junction/integrations';
import { ResiliencePipelines, type CallContext, type PipelineAttempt } from '@junction/resilience';
import { RedditClients } from './reddit-clients';

/** The command fields a Reddit call carries (tracing, deadline, connection). */
export interface RedditCommandRef {
  readonly id: string;
  readonly tenantId: string;
  readonly connectionId?: string;
  readonly correlationId: string;
  readonly deadline?: string;
}

/** The command's Reddit port (REST or MCP, by its connection's transport) and the key of its pipeline. */
export type RedditTarget = ConnectionTarget<RedditPort>;

/**
 * Every Reddit read of the analyzer, through the resilience pipeline (the shared 100/min quota, breaker, retries
 * honouring Retry-After / X-Ratelimit-Reset), one pipeline call per page so a retry repeats one request, not a whole
 * walk. Reads only: every call is idempotent.
 */
@Injectable()
export class RedditReader {
  constructor(
    private readonly clients: RedditClients,
    private readonly calls: ResiliencePipelines,
  ) {}

  /** The command's connection (envelope connectionId, else the tenant's default, else REDDIT_* or the sandbox). */
  target(command: RedditCommandRef): Promise<RedditTarget> {
    return this.clients.forCommand(command);
  }

  posts(
    target: RedditTarget,
    command: RedditCommandRef,
    query: { subreddit: string; sort: RedditListingSort; time?: RedditTimeFilter; limit: number },
    signal?: AbortSignal,
    until?: (post: RedditPostData) => boolean,
  ): Promise<CollectedPages<RedditPostData>> {
    return collectPages(
      query.limit,
      (after, limit) =>
        this.calls.run(this.context(target, command, 'subreddit-posts', signal), (a) =>
          target.client.subredditPostsPage(query.subreddit, { sort: query.sort, time: query.time, after, limit }, options(a)),
        ),
      until,
    );
  }

  search(
    target: RedditTarget,
    command: RedditCommandRef,
    query: { q: string; subreddit?: string; sort: RedditSearchSort; time?: RedditTimeFilter; limit: number },
    signal?: AbortSignal,
  ): Promise<CollectedPages<RedditPostData>> {
    return collectPages(query.limit, (after, limit) =>
      this.calls.run(this.context(target, command, 'search', signal), (a) =>
        target.client.searchPage(query.q, { subreddit: query.subreddit, sort: query.sort, time: query.time, after, limit }, options(a)),
      ),
    );
  }

  comments(target: RedditTarget, command: RedditCommandRef, query: { postId: string; limit?: number; depth?: number }, signal?: AbortSignal): Promise<RedditCommentThread> {
    return this.calls.run(this.context(target, command, 'post-comments', signal), (a) =>
      target.client.postComments(query.postId, { limit: query.limit, depth: query.depth }, options(a)),
    );
  }

  private context(target: RedditTarget, command: RedditCommandRef, operation: string, signal?: AbortSignal): CallContext {
    return {
      provider: 'reddit',
      // Per connection (one Reddit app = one rate-limit window): its own breaker and shared quota bucket.
      connection: target.connection,
      operation,
      idempotent: true,
      deadline: command.deadline ? Date.parse(command.deadline) : undefined,
      correlationId: command.correlationId,
      messageId: command.id,
      signal,
    };
  }
}

function options(attempt: PipelineAttempt): RedditCallOptions {
  return {
    ...attempt.requestOptions,
    deadline: Date.now() + attempt.remainingMs,
    observeLimits: (observation) => attempt.observeLimits(observation),
  };
}
