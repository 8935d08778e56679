import { Logger } from '@nestjs/common';
import type { AlertChannelSecrets, OpenResult } from '../../alert-channel.secrets';
import type { AlertChannelSender } from '../../alert-channel.sender';
import type { AlertDeliveryMetrics } from '../../alert-delivery.metrics';
import type { AlertDeliveryRepository, DeliveryWithTargets } from '../../alert-delivery.repository';
import type { AlertEvent } from '../../alert-message.format';
import { type Decision, decide, describeResult, type RetryPolicy } from '../../delivery-outcome';

export interface DispatchOptions {
  /** Deliveries claimed (and sent concurrently) per pass. */
  batchSize: number;
  /** How long a claim holds a row: longer than one send can take, so no other replica sends it meanwhile. */
  leaseMs: number;
  policy: RetryPolicy;
}

const EVENTS = new Set<string>(['fired', 'resolved']);

/**
 * One pass of the delivery loop: claim due rows (leased, in a short statement), send each outside any transaction,
 * record what the receiver said. Safe in every replica at once (see AlertDeliveryRepository). Logs name the
 * delivery, alert, channel and status, never a URL of a Slack channel or a secret.
 */
export class DispatchAlertDeliveriesHandler {
  private readonly logger = new Logger(DispatchAlertDeliveriesHandler.name);

  constructor(
    private readonly deliveries: AlertDeliveryRepository,
    private readonly secrets: AlertChannelSecrets,
    private readonly sender: AlertChannelSender,
    private readonly metrics: AlertDeliveryMetrics,
    private readonly options: DispatchOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** Returns how many deliveries this pass claimed (a full batch: call again at once). */
  async execute(): Promise<number> {
    const claimed = await this.deliveries.claimDue(this.options.batchSize, this.options.leaseMs);
    if (claimed.length === 0) return 0;
    const rows = await this.deliveries.withTargets(claimed.map((c) => c.id));
    const channels = [...new Map(rows.map((r) => [r.channel.id, r.channel])).values()];
    const opened = await this.secrets.open(channels);
    await Promise.all(rows.map((row) => this.deliver(row, opened.get(row.channelId)!)));
    return claimed.length;
  }

  private async deliver(row: DeliveryWithTargets, opened: OpenResult): Promise<void> {
    const log = { deliveryId: row.id, alertId: row.alertId, channelId: row.channelId, kind: row.channel.kind, event: row.event, attempt: row.attempts };
    try {
      const refusal = !row.channel.enabled ? 'the channel is disabled' : !EVENTS.has(row.event) ? `unknown event "${row.event.slice(0, 40)}"` : !opened.ok ? opened.error : undefined;
      if (refusal !== undefined || !opened.ok) {
        if (await this.deliveries.record(row.id, row.attempts, { status: 'failed', lastStatus: null, lastError: refusal ?? 'no channel' })) this.count(row, 'failed');
        this.logger.warn({ message: 'alert delivery failed without sending', ...log, reason: refusal });
        return;
      }
      const result = await this.sender.sendAlert(opened.channel, row.id, row.event as AlertEvent, row.alert);
      const decision: Decision = decide(result, row.attempts, this.options.policy, this.random);
      const lastStatus = result.kind === 'response' ? result.status : null;
      const lastError = describeResult(result, decision);
      const recorded = await this.deliveries.record(
        row.id,
        row.attempts,
        decision.status === 'delivered' ? { status: 'delivered', lastStatus } : decision.status === 'pending' ? { status: 'pending', delayMs: decision.delayMs, lastStatus, lastError } : { status: 'failed', lastStatus, lastError },
      );
      if (!recorded) {
        this.logger.warn({ message: 'alert delivery result not recorded: the lease ran out and the row was claimed again', ...log, status: lastStatus });
        return;
      }
      this.count(row, decision.outcome);
      const detail = { ...log, status: lastStatus, latencyMs: result.latencyMs, outcome: decision.outcome };
      if (decision.status === 'failed') this.logger.warn({ message: 'alert delivery failed', ...detail, error: lastError });
      else if (decision.status === 'pending') this.logger.log({ message: 'alert delivery will be retried', ...detail, delayMs: decision.delayMs, error: lastError });
      else this.logger.log({ message: 'alert delivered', ...detail });
    } catch (error: unknown) {
      // The row stays pending; its lease ends and a later pass tries again (the attempt counted).
      this.logger.error({ message: 'alert delivery could not be recorded', ...log, error: (error as Error).message });
    }
  }

  private count(row: DeliveryWithTargets, outcome: Decision['outcome']): void {
    this.metrics.deliveries.inc({ kind: row.channel.kind, outcome });
  }
}
