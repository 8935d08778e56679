import { Injectable, Logger } from '@nestjs/common';
import { organizationUrn, type LinkedInArticle, type LinkedInVisibility } from '@junction/connectors/linkedin';
import type { EffectContext } from '@junction/messaging';
import { LinkedInCalls, organizationOf } from '../linkedin/linkedin-calls';
import { LinkedInConnections } from '../linkedin/linkedin-connections';

/** How far back the author finder is read for an earlier attempt's post (newest first; one page). */
const LOOKBACK = 50;
/** Clock skew allowed between our command timestamp and LinkedIn's createdAt. */
const SKEW_MS = 5 * 60_000;

export interface PublishRequest {
  readonly command: { id: string; tenantId: string; connectionId?: string; correlationId: string; deadline?: string; occurredAt: string };
  readonly organizationId?: number;
  readonly commentary: string;
  readonly visibility: LinkedInVisibility;
  readonly article?: LinkedInArticle;
  readonly operation: 'post.publish' | 'article.share';
}

export interface Published {
  readonly urn: string;
  readonly author: string;
  readonly alreadyPublished: boolean;
}

/**
 * One post per command. LinkedIn's Posts API takes no idempotency key, so a repeated attempt (context.attempt > 1:
 * a crash or a lost commit after LinkedIn may have created it) first reads the author's newest posts
 * (`GET /rest/posts?q=author`) for one with the same commentary (and article URL) created since the command was
 * issued, and reports that one instead of posting again. The create itself is never retried within the call
 * (idempotent: false): a timeout or 5xx may have posted, so the redelivery's look-up decides.
 */
@Injectable()
export class PostPublisher {
  private readonly logger = new Logger(PostPublisher.name);

  constructor(
    private readonly linkedin: LinkedInConnections,
    private readonly calls: LinkedInCalls,
  ) {}

  async publishOnce(request: PublishRequest, { signal, attempt }: EffectContext): Promise<Published> {
    const { command } = request;
    const target = await this.linkedin.forCommand(command);
    const author = organizationUrn(organizationOf(request.organizationId, target, request.operation));
    if (attempt > 1) {
      const since = Date.parse(command.occurredAt) - SKEW_MS;
      const { posts } = await this.calls.run(command, target, 'posts.findByAuthor', signal, (o) => target.client.postsByAuthor(author, { count: LOOKBACK }, o));
      const earlier = posts.find(
        (p) =>
          p.commentary === request.commentary &&
          (request.article ? p.articleSource === request.article.source : p.articleSource === undefined) &&
          (p.createdAt === undefined || p.createdAt >= since),
      );
      if (earlier) {
        this.logger.log(`${request.operation} ${command.id}: attempt ${attempt} found the post an earlier attempt published (${earlier.urn})`);
        return { urn: earlier.urn, author, alreadyPublished: true };
      }
    }
    const { urn } = await this.calls.run(
      command,
      target,
      request.operation === 'article.share' ? 'posts.shareArticle' : 'posts.create',
      signal,
      (o) => target.client.createPost({ author, commentary: request.commentary, visibility: request.visibility, ...(request.article ? { article: request.article } : {}) }, o),
      false,
    );
    return { urn, author, alreadyPublished: false };
  }
}
