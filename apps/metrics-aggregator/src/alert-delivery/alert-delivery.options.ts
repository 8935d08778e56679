import type { Env } from '../config/env';
import type { AlertDeliveryModuleOptions } from './alert-delivery.module';

/** The module's options from the app's parsed environment. */
export function alertDeliveryOptions(env: Env, kek: string): AlertDeliveryModuleOptions {
  return {
    kek,
    dispatch: env.ALERT_DELIVERY_ENABLED,
    maxAttempts: env.ALERT_DELIVERY_MAX_ATTEMPTS,
    baseDelayMs: env.ALERT_DELIVERY_BASE_DELAY_MS,
    maxDelayMs: env.ALERT_DELIVERY_MAX_DELAY_MS,
    timeoutMs: env.ALERT_DELIVERY_TIMEOUT_MS,
    pollMs: env.ALERT_DELIVERY_POLL_MS,
    batchSize: env.ALERT_DELIVERY_BATCH,
  };
}
