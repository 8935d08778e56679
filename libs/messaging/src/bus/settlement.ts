import { ErrorCodes } from '@junction/contracts';
import type { Settlement } from './message-bus.port';

export const complete: Settlement = Object.freeze({ action: 'complete' });

/**
 * The one rule every transport applies after a handler settles: a retry that would exceed the
 * subscription's maxDeliveryCount becomes a dead-letter carrying the last failure as its description.
 */
export function finalSettlement(settlement: Settlement, deliveryCount: number, maxDeliveryCount: number): Settlement {
  if (settlement.action !== 'retry' || deliveryCount < maxDeliveryCount) return settlement;
  return {
    action: 'dead-letter',
    reason: ErrorCodes.maxDeliveriesExceeded,
    description: `gave up after ${deliveryCount} deliveries; last failure ${settlement.reason}: ${settlement.description}`,
    ...(settlement.errorClass === undefined ? {} : { errorClass: settlement.errorClass }),
  };
}

/** A handler that threw instead of returning a settlement is a bug above the transport: retry soon. */
export function settlementForThrown(error: unknown): Settlement {
  return {
    action: 'retry',
    delayMs: 1_000,
    reason: ErrorCodes.handlerFailed,
    description: error instanceof Error ? error.message : String(error),
  };
}

/** Header names transports use to carry Junction's own delivery metadata. */
export const BusHeaders = {
  deliveryCount: 'x-junction-delivery-count',
  deadLetterReason: 'x-junction-dead-letter-reason',
  deadLetterDescription: 'x-junction-dead-letter-description',
  type: 'x-junction-type',
} as const;
