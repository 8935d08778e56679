import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { AlertHttpClient } from './alert-http.client';
import { slackMessage, slackTestMessage, webhookPayload, webhookTestPayload, type AlertEvent, type AlertSnapshot } from './alert-message.format';
import { redactSecrets } from './channel-secret';
import type { SendResult } from './delivery-outcome';

export type AlertChannelKind = 'webhook' | 'slack';

/** A channel with its secret opened: lives only for one send, never logged or returned. */
export interface OpenedChannel {
  id: string;
  name: string;
  kind: AlertChannelKind;
  /** webhook: its target URL (not secret). */
  url: string | null;
  /** webhook: the `whsec_…` signing secret; slack: the incoming-webhook URL. */
  secret: string;
}

/**
 * Turns an alert transition into the channel's request. Webhooks are signed with Standard Webhooks (the
 * `standardwebhooks` reference library): `webhook-id` is the delivery's id on every attempt, so a receiver that saw
 * a retry's earlier attempt succeed dedupes it; the timestamp and signature are fresh per attempt (receivers reject
 * old timestamps). Every detail that comes back is cleaned of the channel's secrets.
 */
export class AlertChannelSender {
  constructor(
    private readonly http: AlertHttpClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async sendAlert(channel: OpenedChannel, deliveryId: string, event: AlertEvent, alert: AlertSnapshot): Promise<SendResult> {
    if (channel.kind === 'slack') return this.post(channel, channel.secret, JSON.stringify(slackMessage(event, alert)), {});
    return this.signed(channel, deliveryId, JSON.stringify(webhookPayload(event, alert)));
  }

  async sendTest(channel: OpenedChannel): Promise<SendResult> {
    if (channel.kind === 'slack') return this.post(channel, channel.secret, JSON.stringify(slackTestMessage(channel)), {});
    return this.signed(channel, `test_${randomUUID()}`, JSON.stringify(webhookTestPayload(channel, this.now())));
  }

  private signed(channel: OpenedChannel, messageId: string, body: string): Promise<SendResult> {
    const at = this.now();
    const signature = new Webhook(channel.secret).sign(messageId, at, body);
    const headers = { 'webhook-id': messageId, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature };
    return this.post(channel, channel.url ?? '', body, headers);
  }

  private async post(channel: OpenedChannel, url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    const result = await this.http.post(url, body, headers);
    return { ...result, detail: redactSecrets(result.detail, [channel.secret]) };
  }
}
