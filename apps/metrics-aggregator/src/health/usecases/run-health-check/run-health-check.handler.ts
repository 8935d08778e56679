import { Logger } from '@nestjs/common';
import type { ConnectionProbe } from '@junction/integrations';
import type { ConnectionHealthCheckRepository, RecordedCheck } from '../../connection-health.repository';
import { evaluateHealth, type HealthThresholds } from '../../health-status.rules';

export interface HealthCheckSettings extends HealthThresholds {
  /** The trailing minutes of metric windows the status looks at. */
  windowMinutes: number;
}

/**
 * One scheduled check of one claimed connection: the probe (outside any transaction), then the result recorded and
 * the health status evaluated from the stored checks and windows in one short transaction. Actor `system`.
 */
export class RunHealthCheckHandler {
  private readonly logger = new Logger(RunHealthCheckHandler.name);

  constructor(
    private readonly repository: ConnectionHealthCheckRepository,
    private readonly probe: ConnectionProbe,
    private readonly settings: HealthCheckSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Null when the connection was deleted, disconnected or set back to configuring since it was claimed. */
  async execute(connectionId: string): Promise<RecordedCheck | null> {
    const row = await this.repository.findCheckable(connectionId);
    if (!row) return null;
    const test = await this.probe.test(row);
    const checkedAt = this.now();
    const recorded = await this.repository.recordCheck(
      { connectionId, ok: test.ok, latencyMs: test.latencyMs, errorClass: test.errorClass, message: test.message, capabilities: test.capabilities, checkedAt },
      { recentChecks: Math.max(1, this.settings.downAfterFailures), windowSince: new Date(checkedAt.getTime() - this.settings.windowMinutes * 60_000) },
      (context) => evaluateHealth({ connectionStatus: context.connectionStatus, checks: context.checks, windows: context.windows }, this.settings),
    );
    if (recorded?.changed) {
      this.logger.log(
        { connectionId, tenantId: recorded.tenantId, from: recorded.from, to: recorded.evaluation.status, reasons: recorded.evaluation.reasons.map((r) => r.code) },
        'connection health changed',
      );
    }
    return recorded;
  }
}
