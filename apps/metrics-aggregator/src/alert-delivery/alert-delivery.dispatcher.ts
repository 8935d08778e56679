import { type BeforeApplicationShutdown, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { DispatchAlertDeliveriesHandler } from './usecases/dispatch-alert-deliveries/dispatch-alert-deliveries.handler';

export interface DispatcherOptions {
  /** Pause between passes that found less than a full batch. */
  pollMs: number;
  batchSize: number;
}

/**
 * The delivery loop of this replica: a pass, then another at once while passes come back full, else a pause.
 * Starts with the app, stops before the database closes (the pass in flight finishes: its sends are bounded by the
 * HTTP timeout). A failing pass (database away) is logged once per streak and retried after the pause.
 */
export class AlertDeliveryDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertDeliveryDispatcher.name);
  private stopped = true;
  private running?: Promise<void>;
  private wake?: () => void;
  private failing = false;

  constructor(
    private readonly dispatch: DispatchAlertDeliveriesHandler,
    private readonly options: DispatcherOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let claimed = 0;
      try {
        claimed = await this.dispatch.execute();
        if (this.failing) this.logger.log('alert delivery passes work again');
        this.failing = false;
      } catch (error: unknown) {
        if (!this.failing) this.logger.error({ message: 'alert delivery pass failed; retrying', error: (error as Error).message });
        this.failing = true;
      }
      if (claimed < this.options.batchSize && !this.stopped) await this.pause();
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.pollMs);
      const wake = () => {
        clearTimeout(timer);
        done();
      };
      this.wake = wake;
      function done() {
        resolve();
      }
    });
  }
}
