import type { Env } from '../config/env';
import type { HealthModuleOptions } from './health.module';

/** The health module's settings from the app's environment (see config/env.ts for each variable). */
export function healthModuleOptions(env: Env): HealthModuleOptions {
  return {
    schedule: {
      enabled: env.HEALTH_CHECKS_ENABLED,
      intervalMs: env.HEALTH_CHECK_INTERVAL_SECONDS * 1_000,
      jitterRatio: env.HEALTH_CHECK_JITTER_PCT / 100,
      pollMs: env.HEALTH_CHECK_POLL_MS,
      concurrency: env.HEALTH_CHECK_CONCURRENCY,
    },
    checks: {
      downAfterFailures: env.HEALTH_DOWN_AFTER_FAILURES,
      slowCheckMs: env.HEALTH_SLOW_CHECK_MS,
      errorRateThreshold: env.HEALTH_ERROR_RATE_THRESHOLD,
      latencyThresholdMs: env.HEALTH_LATENCY_THRESHOLD_MS,
      windowMinCalls: env.HEALTH_WINDOW_MIN_CALLS,
      windowMinutes: env.HEALTH_WINDOW_MINUTES,
    },
    view: { windowMinutes: env.HEALTH_WINDOW_MINUTES, summaryHours: env.HEALTH_SUMMARY_HOURS },
  };
}
