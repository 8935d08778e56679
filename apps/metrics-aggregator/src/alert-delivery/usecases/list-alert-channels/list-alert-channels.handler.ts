import type { ActorContext } from '@junction/contracts';
import type { AlertChannelRepository } from '../../alert-channel.repository';
import type { AlertChannelSecrets } from '../../alert-channel.secrets';
import type { AlertChannelView } from '../../alert-channel.types';

/** The tenant's channels, oldest first; secrets never, a Slack URL masked. */
export class ListAlertChannelsHandler {
  constructor(
    private readonly channels: AlertChannelRepository,
    private readonly secrets: AlertChannelSecrets,
  ) {}

  async execute(actor: ActorContext): Promise<AlertChannelView[]> {
    return this.secrets.views(await this.channels.list(actor.tenantId));
  }
}
