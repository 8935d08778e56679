import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { retentionPolicy } from '../config/retention-env';
import type { Env } from '../config/env';
import { RETENTION_SCHEDULE, RetentionScheduler, type RetentionSchedule } from './retention.scheduler';
import { RETENTION_POLICY, RunRetentionHandler } from './usecases/run-retention/run-retention.handler';

const FIRST_RUN_DELAY_MS = 60_000;

/** Deleting rows past their retention (audit, inbox, processed marks, dead letters, expired secrets) on a schedule. */
@Module({})
export class RetentionModule {
  static forRoot(env: Env): DynamicModule {
    const schedule: RetentionSchedule = { intervalMs: env.RETENTION_INTERVAL_MINUTES * 60_000, firstRunDelayMs: Math.min(FIRST_RUN_DELAY_MS, env.RETENTION_INTERVAL_MINUTES * 60_000) };
    const providers: Provider[] = [{ provide: RETENTION_POLICY, useValue: retentionPolicy(env) }, RunRetentionHandler];
    if (env.RETENTION_ENABLED) providers.push({ provide: RETENTION_SCHEDULE, useValue: schedule }, RetentionScheduler);
    return { module: RetentionModule, providers, exports: [RunRetentionHandler] };
  }
}
