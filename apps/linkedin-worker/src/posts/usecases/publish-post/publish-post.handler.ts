import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { CommandStep } from '@junction/messaging';
import { PostPublisher } from '../../post-publisher';

type PublishCommand = MessageOf<'linkedin.post.publish'>;

/**
 * linkedin.post.publish → one company update. The command id is the natural key: a delivered-again command is
 * acknowledged without effects (CommandStep), a repeated attempt looks for its earlier post first (PostPublisher).
 * The post's URN is the ledger's external reference.
 */
@Injectable()
export class PublishPostHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly posts: PostPublisher,
  ) {}

  async execute(command: PublishCommand): Promise<void> {
    const { organizationId, commentary, visibility } = command.payload;
    await this.commands.run(command, {
      provider: 'linkedin',
      operation: 'post.publish',
      naturalKey: command.id,
      effect: (context) => this.posts.publishOnce({ command, organizationId, commentary, visibility, operation: 'post.publish' }, context),
      succeeded: (r) => ({ commandId: command.id, postUrn: r.urn, author: r.author, alreadyPublished: r.alreadyPublished }),
      ledger: (r) => ({ outcome: r.alreadyPublished ? 'existed' : 'created', externalRef: r.urn }),
    });
  }
}
