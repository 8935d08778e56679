import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { IntervalLoop } from '@junction/platform';
import { EvaluateAlertsHandler } from './usecases/evaluate-alerts/evaluate-alerts.handler';

export const ALERT_EVALUATION_SETTINGS = Symbol('ALERT_EVALUATION_SETTINGS');

export interface AlertEvaluationSettings {
  /** ALERT_EVAL_INTERVAL_SECONDS in ms; 0 = this replica never evaluates (the API still answers). */
  readonly intervalMs: number;
}

/**
 * Every replica runs a round every interval; the round's advisory lock lets one of them evaluate and the others skip.
 * One round at a time in this process; a failed round (database outage) is logged and the next one tries again.
 * Shutdown waits for a round in progress before the database closes.
 */
@Injectable()
export class AlertEvaluationLoop implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertEvaluationLoop.name);
  private readonly loop: IntervalLoop;

  constructor(
    evaluate: EvaluateAlertsHandler,
    @Inject(ALERT_EVALUATION_SETTINGS) private readonly settings: AlertEvaluationSettings,
  ) {
    this.loop = new IntervalLoop(
      { firstDelayMs: settings.intervalMs, intervalMs: settings.intervalMs },
      async () => {
        await evaluate.execute();
      },
      (error) => this.logger.warn({ message: 'alert evaluation round failed', reason: (error as Error).message }),
    );
  }

  onApplicationBootstrap(): void {
    if (this.settings.intervalMs > 0) this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }
}
