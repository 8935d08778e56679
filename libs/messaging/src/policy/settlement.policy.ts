import { ErrorCodes } from '@junction/contracts';
import type { Settlement } from '../bus/message-bus.port';
import { defaultRetryPolicy, redeliveryDelayMs, type RetryPolicyOptions } from './retry.policy';

/** What the policy reads from a thrown error (IntegrationError and friends carry these; duck-typed on purpose). */
interface ClassifiedFailure {
  code?: unknown;
  retryable?: unknown;
  retryAfterMs?: unknown;
  message?: unknown;
  errorClass?: unknown;
}

/**
 * Maps a handler failure to a settlement. Permanent errors (`retryable: false`: validation, 4xx other than
 * 408/429, auth) are dead-lettered at once; everything else, including errors nobody classified, is
 * retried with backoff. Retrying the unknown is the safe default: max deliveries bounds it.
 */
export function settlementForFailure(error: unknown, deliveryCount: number, policy: RetryPolicyOptions = defaultRetryPolicy): Settlement {
  const failure = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ClassifiedFailure;
  const reason = typeof failure.code === 'string' ? failure.code : ErrorCodes.handlerFailed;
  const description = typeof failure.message === 'string' ? failure.message : 'handler failed';
  const classified = typeof failure.errorClass === 'string' ? { errorClass: failure.errorClass } : {};
  if (failure.retryable === false) return { action: 'dead-letter', reason, description, ...classified };
  const retryAfterMs = typeof failure.retryAfterMs === 'number' ? failure.retryAfterMs : undefined;
  return { action: 'retry', delayMs: redeliveryDelayMs(deliveryCount, policy, retryAfterMs), reason, description, ...classified };
}
