import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness';

const CHECK_TIMEOUT_MS = 2_000;

/**
 * Kubernetes probes. Liveness says only that the process answers (restarting a pod because Postgres is
 * down would not help); readiness checks every dependency the app needs to do its work.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([async () => this.indicators.check('process').up({ pid: process.pid, uptimeSeconds: Math.round(process.uptime()) })]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(this.checks.map((c) => () => this.run(c)));
  }

  private async run(c: ReadinessCheck): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(c.key);
    try {
      const details = await withTimeout(c.check(), CHECK_TIMEOUT_MS, `${c.key} check timed out after ${CHECK_TIMEOUT_MS} ms`);
      return session.up(details ?? {});
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}
