import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandClaimRepository, type HeldClaim, PrismaService, ProcessedMessageRepository, type Tx } from '@junction/persistence';
import { MESSAGING_OPTIONS } from '../messaging.tokens';
import type { MessagingModuleOptions } from '../messaging.module';
import { OutboxRelay } from '../outbox/outbox.relay';
import { ClaimLostError, CommandClaimedError } from './effect-step.errors';

export interface EffectStepOptions {
  /**
   * How long a claim lives without a heartbeat (default 60 s). It is how long a crashed replica's command waits
   * before another replica takes it over; a live call keeps its lease by heartbeat, however long it runs.
   */
  leaseMs?: number;
  /** How often a running effect extends its lease (default leaseMs / 3, so two heartbeats may fail in a row). */
  heartbeatMs?: number;
  /** The outcome's transaction rolls back past this (default 10 s); it does database writes only. */
  commitTimeoutMs?: number;
  /** This process's claim owner (default `<host>:<pid>:<random>`); tests give two instances in one process two. */
  owner?: string;
}

/** What the effect gets: no transaction, a signal, and whether the command may have run before. */
export interface EffectContext {
  /**
   * Aborts when this replica has lost the claim (its lease lapsed and another replica took the command over):
   * pass it to the provider call (CallContext.signal). Whatever the effect then achieves is not committed.
   */
  readonly signal: AbortSignal;
  /**
   * 1 for a command's first claim; higher after a failure, a take-over or a lost commit: the provider may already
   * hold this command's effect, so look up (natural key) or send the idempotency key before creating.
   */
  readonly attempt: number;
}

export interface EffectStepSpec<R> {
  /** The provider call(s). Runs outside any transaction, while this replica holds the command's claim. */
  effect(context: EffectContext): Promise<R>;
  /**
   * Writes the outcome (effect ledger, outbox rows) with `tx`: the same short transaction marks the command
   * processed and deletes the claim, and commits only if this replica still holds the claim.
   */
  commit(tx: Tx, result: R): Promise<void>;
  /** This command's lease (default: the step's). */
  leaseMs?: number;
}

export type EffectStepOutcome<R> = { readonly duplicate: true } | { readonly duplicate: false; readonly result: R };

/** One per process: `<host>:<pid>:<random>` (the random part tells a restarted pid apart). */
export const processClaimOwner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

const DEFAULT_LEASE_MS = 60_000;

/** The commit found the processed mark already there: roll back and answer duplicate. */
class AlreadyProcessed extends Error {}

/**
 * Effectively-once handling of a command whose effect is a provider call: claim → call → commit.
 *
 * 1. Claim: a committed `command_claim` row with a lease and this replica as owner (one INSERT … ON CONFLICT DO
 *    UPDATE … WHERE the lease has expired), then a processed command is acknowledged without effects. A live
 *    lease held by another delivery throws CommandClaimedError (retryable, retryAfterMs ≈ the lease's rest): the
 *    bus redelivers the command after that. An expired lease (a crashed replica) is taken over.
 * 2. Call: `effect` runs with no transaction and no pooled connection held; a heartbeat extends the lease.
 * 3. Commit: one short transaction deletes the claim (only if still this replica's: owner and attempt), marks the
 *    command processed and runs `commit` (ledger, outbox). A take-over meanwhile rolls it back (ClaimLostError,
 *    retryable): the new holder commits, and processed_message's key forbids a second outcome in any case.
 * On failure of the effect or the commit the claim is released (its lease ends now, so a redelivery claims at
 * once) and the error rethrown for the settlement policy.
 *
 * The effect itself may run twice (a crash after the provider acted, a take-over of a slow call): effects must be
 * safe to repeat, by looking up the natural key before creating or sending the provider's idempotency key.
 */
@Injectable()
export class EffectStep {
  private readonly logger = new Logger(EffectStep.name);
  private readonly leaseMs: number;
  private readonly heartbeatMs: number | undefined;
  private readonly commitTimeoutMs: number;
  readonly owner: string;

  constructor(
    private readonly prisma: PrismaService,
    private readonly claims: CommandClaimRepository,
    private readonly processed: ProcessedMessageRepository,
    private readonly relay: OutboxRelay,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
  ) {
    const step = options.effectStep ?? {};
    this.leaseMs = step.leaseMs ?? DEFAULT_LEASE_MS;
    this.heartbeatMs = step.heartbeatMs;
    this.commitTimeoutMs = step.commitTimeoutMs ?? 10_000;
    this.owner = step.owner ?? processClaimOwner;
  }

  async run<R>(message: { readonly id: string }, spec: EffectStepSpec<R>): Promise<EffectStepOutcome<R>> {
    const consumer = this.options.consumer;
    const leaseMs = spec.leaseMs ?? this.leaseMs;
    const claimed = await this.claims.claim(consumer, message.id, this.owner, leaseMs);
    if (!claimed.claimed) throw new CommandClaimedError(consumer, message.id, claimed.remainingMs);
    const claim = claimed.claim;

    // Looked at once the claim is committed, not before: a processed command's claim row is gone (its outcome deleted
    // it), so claiming always succeeds for it, and an outcome that committed while we claimed is visible now. A
    // duplicate costs a claim and its deletion; every other command saves a round trip (bench:e2e).
    if (await this.claims.isProcessed(consumer, message.id)) {
      await this.dropQuietly(claim);
      return { duplicate: true };
    }

    const result = await this.callHoldingClaim(claim, leaseMs, spec);
    try {
      await this.prisma.transaction(
        async (tx) => {
          if (!(await this.claims.settle(tx, claim))) throw new ClaimLostError(consumer, message.id, leaseMs);
          if (!(await this.processed.tryRecord(tx, consumer, message.id))) throw new AlreadyProcessed();
          await spec.commit(tx, result);
        },
        { timeoutMs: this.commitTimeoutMs },
      );
    } catch (error) {
      if (error instanceof AlreadyProcessed) {
        await this.dropQuietly(claim);
        return { duplicate: true };
      }
      if (!(error instanceof ClaimLostError)) await this.releaseQuietly(claim);
      throw error;
    }
    this.relay.wake();
    return { duplicate: false, result };
  }

  /** Runs the effect while a heartbeat keeps the lease; releases the claim if the effect fails. */
  private async callHoldingClaim<R>(claim: HeldClaim, leaseMs: number, spec: EffectStepSpec<R>): Promise<R> {
    const lost = new AbortController();
    const stopHeartbeat = this.heartbeat(claim, leaseMs, lost);
    let result: R;
    try {
      result = await spec.effect({ signal: lost.signal, attempt: claim.attempt });
    } catch (error) {
      // Stopped (and its last extend finished) before the release: a late extend would revive the lease.
      await stopHeartbeat();
      if (lost.signal.aborted) throw new ClaimLostError(claim.consumer, claim.messageId, leaseMs);
      await this.releaseQuietly(claim);
      throw error;
    }
    await stopHeartbeat();
    if (lost.signal.aborted) throw new ClaimLostError(claim.consumer, claim.messageId, leaseMs);
    return result;
  }

  /**
   * Extends the lease every heartbeatMs until stopped. A heartbeat that finds the claim gone aborts `lost`; one that
   * fails (database blip) is logged and the next one tries again: the lease has room for two misses. The returned
   * stop resolves once no extend is in flight any more.
   */
  private heartbeat(claim: HeldClaim, leaseMs: number, lost: AbortController): () => Promise<void> {
    const every = this.heartbeatMs ?? Math.max(50, Math.floor(leaseMs / 3));
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let inFlight: Promise<void> = Promise.resolve();
    const beat = async () => {
      try {
        if (!(await this.claims.extend(claim, leaseMs))) {
          this.logger.warn(`${claim.consumer} ${claim.messageId}: claim taken over by another delivery during the call`);
          lost.abort(new ClaimLostError(claim.consumer, claim.messageId, leaseMs));
          return;
        }
      } catch (error) {
        this.logger.warn(`${claim.consumer} ${claim.messageId}: lease heartbeat failed: ${(error as Error).message}`);
      }
      schedule();
    };
    const schedule = () => {
      if (stopped) return;
      timer = setTimeout(() => (inFlight = beat()), every);
      timer.unref();
    };
    schedule();
    return async () => {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    };
  }

  /** The command's outcome is committed: the claim has nothing left to guard. */
  private async dropQuietly(claim: HeldClaim): Promise<void> {
    try {
      await this.claims.settle(this.prisma, claim);
    } catch (error) {
      this.logger.warn(`${claim.consumer} ${claim.messageId}: could not delete the claim: ${(error as Error).message}`);
    }
  }

  private async releaseQuietly(claim: HeldClaim): Promise<void> {
    try {
      await this.claims.release(claim);
    } catch (error) {
      // The lease then runs out by itself; a redelivery waits for that instead of claiming at once.
      this.logger.warn(`${claim.consumer} ${claim.messageId}: could not release the claim: ${(error as Error).message}`);
    }
  }
}
