import type { ActorContext } from '@junction/contracts';
import type { AuditEventRepository } from '@junction/persistence';
import type { AlertChannelRepository } from '../../alert-channel.repository';
import { channelNotFound } from '../../alert-channel.types';

/** Deletes a channel with its sealed secret and its deliveries (pending ones are not sent); audited. */
export class RemoveAlertChannelHandler {
  constructor(
    private readonly channels: AlertChannelRepository,
    private readonly audit: AuditEventRepository,
  ) {}

  async execute(actor: ActorContext, id: string): Promise<void> {
    const removed = await this.channels.transaction(async (tx) => {
      const channel = await this.channels.delete(tx, actor.tenantId, id);
      if (channel) await this.audit.insertMany([{ action: 'alert-channel.removed', actor: actor.actor, outcome: 'ok', tenantId: actor.tenantId, subject: channel.id, detail: { name: channel.name, kind: channel.kind } }], tx);
      return channel;
    });
    if (!removed) throw channelNotFound(id);
  }
}
