/**
 * The effect step's own failures. Both are retryable and carry `retryAfterMs`: the settlement policy
 * (settlementForFailure → redeliveryDelayMs) turns them into a redelivery no sooner than that, the same way it
 * honours a provider's Retry-After. Renaming a code needs a note for dashboards that count dead-letter reasons.
 */
export const EffectStepErrorCodes = {
  /** Another delivery of the command holds a live claim (a concurrent duplicate, or a replica mid-call). */
  commandClaimed: 'COMMAND_CLAIMED',
  /** This replica's claim was taken over (its lease lapsed) before it committed; the new holder commits. */
  claimLost: 'CLAIM_LOST',
} as const;

/** A live lease held by another delivery: try again once it has run out (or the holder has committed). */
export class CommandClaimedError extends Error {
  override readonly name = 'CommandClaimedError';
  readonly code = EffectStepErrorCodes.commandClaimed;
  readonly retryable = true;
  readonly retryAfterMs: number;

  constructor(
    readonly consumer: string,
    readonly messageId: string,
    remainingMs: number,
  ) {
    super(`${consumer} ${messageId} is being handled by another delivery; lease ends in ${remainingMs} ms`);
    // A little past the lease's end, so the redelivery finds it expired (or the outcome committed).
    this.retryAfterMs = Math.max(remainingMs, 0) + 250;
  }
}

/** The claim was taken over before this delivery committed: nothing of it was committed. */
export class ClaimLostError extends Error {
  override readonly name = 'ClaimLostError';
  readonly code = EffectStepErrorCodes.claimLost;
  readonly retryable = true;

  constructor(
    readonly consumer: string,
    readonly messageId: string,
    readonly retryAfterMs: number,
  ) {
    super(`${consumer} ${messageId}: the claim was taken over by another delivery before this one committed`);
  }
}
