import type { ActorContext } from '@junction/contracts';
import type { AlertChannelRepository } from '../../alert-channel.repository';
import type { AlertChannelSecrets } from '../../alert-channel.secrets';
import type { AlertChannelSender } from '../../alert-channel.sender';
import { type AlertChannelTestResult, channelNotFound } from '../../alert-channel.types';

/**
 * Sends one test message now (signed like an alert, type ops.alert.test; a Slack line) and reports what the receiver
 * answered. One attempt, no retry, no alert_delivery row: the operator sees the answer at once. Also for a disabled
 * channel (testing it before enabling is the point).
 */
export class TestAlertChannelHandler {
  constructor(
    private readonly channels: AlertChannelRepository,
    private readonly secrets: AlertChannelSecrets,
    private readonly sender: AlertChannelSender,
  ) {}

  async execute(actor: ActorContext, id: string): Promise<AlertChannelTestResult> {
    const row = await this.channels.find(actor.tenantId, id);
    if (!row) throw channelNotFound(id);
    const opened = (await this.secrets.open([row])).get(row.id)!;
    if (!opened.ok) return { ok: false, status: null, latencyMs: 0, error: opened.error };
    const result = await this.sender.sendTest(opened.channel);
    const ok = result.kind === 'response' && result.status >= 200 && result.status < 300;
    const error = ok ? null : result.kind === 'response' ? `HTTP ${result.status}${result.detail ? `: ${result.detail}` : ''}` : `${result.errorClass}: ${result.detail}`;
    return { ok, status: result.kind === 'response' ? result.status : null, latencyMs: result.latencyMs, error };
  }
}
