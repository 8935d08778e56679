import { Injectable } from '@nestjs/common';
import { PrismaService, type Tx } from '../prisma/prisma.service';

/**
 * A claim this replica holds. `attempt` is the row's `attempts` when it was claimed: together with `owner` it is
 * the fencing token every later statement checks, so a replica whose lease was taken over (even a replica with the
 * same owner id: two deliveries in one process) can neither extend, release nor settle the new holder's claim.
 */
export interface HeldClaim {
  readonly consumer: string;
  readonly messageId: string;
  readonly owner: string;
  readonly attempt: number;
  readonly leaseUntil: Date;
}

export type ClaimResult =
  | { readonly claimed: true; readonly claim: HeldClaim }
  /** Another delivery holds a live lease. `remainingMs` is by the database's clock (0 when it just went away). */
  | { readonly claimed: false; readonly owner: string | null; readonly remainingMs: number };

/**
 * command_claim: the effect step's committed lease on a command. Every statement is its own short autocommit
 * statement (or runs in the caller's short commit transaction): no transaction is held while the provider is
 * called. Times are the database's (`now()`), so replicas' clock skew does not matter.
 */
@Injectable()
export class CommandClaimRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims (consumer, messageId) for `leaseMs`: inserts the row, or takes over a row whose lease has expired (a
   * crashed or released holder), counting the attempt. A live lease is left alone and reported.
   */
  async claim(consumer: string, messageId: string, owner: string, leaseMs: number): Promise<ClaimResult> {
    const lease = Math.max(1, Math.round(leaseMs));
    const rows = await this.prisma.$queryRaw<Array<{ attempts: number; leaseUntil: Date }>>`
      INSERT INTO "command_claim" ("consumer", "messageId", "owner", "leaseUntil", "attempts", "claimedAt")
      VALUES (${consumer}, ${messageId}::uuid, ${owner}, now() + ${lease} * interval '1 millisecond', 1, now())
      ON CONFLICT ("consumer", "messageId") DO UPDATE
        SET "owner" = EXCLUDED."owner", "leaseUntil" = EXCLUDED."leaseUntil", "claimedAt" = EXCLUDED."claimedAt",
            "attempts" = "command_claim"."attempts" + 1
        WHERE "command_claim"."leaseUntil" < now()
      RETURNING "attempts", "leaseUntil"`;
    const row = rows[0];
    if (row) return { claimed: true, claim: { consumer, messageId, owner, attempt: row.attempts, leaseUntil: row.leaseUntil } };
    // Only on contention: who holds it and for how long. Gone meanwhile (the holder settled) → 0, look again soon.
    const held = await this.prisma.$queryRaw<Array<{ owner: string; remainingMs: number }>>`
      SELECT "owner", GREATEST(0, CEIL(EXTRACT(EPOCH FROM ("leaseUntil" - now())) * 1000))::int AS "remainingMs"
      FROM "command_claim" WHERE "consumer" = ${consumer} AND "messageId" = ${messageId}::uuid`;
    return { claimed: false, owner: held[0]?.owner ?? null, remainingMs: held[0]?.remainingMs ?? 0 };
  }

  /** Heartbeat: pushes the lease to now + `leaseMs`. False when the claim is no longer ours (taken over, settled). */
  async extend(claim: HeldClaim, leaseMs: number): Promise<boolean> {
    const lease = Math.max(1, Math.round(leaseMs));
    const updated = await this.prisma.$executeRaw`
      UPDATE "command_claim" SET "leaseUntil" = now() + ${lease} * interval '1 millisecond'
      WHERE "consumer" = ${claim.consumer} AND "messageId" = ${claim.messageId}::uuid
        AND "owner" = ${claim.owner} AND "attempts" = ${claim.attempt}`;
    return updated === 1;
  }

  /**
   * Gives the claim up without an outcome (the effect failed): the lease ends now, so a redelivery claims at once.
   * The row stays so that `attempts` keeps counting.
   */
  async release(claim: HeldClaim): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "command_claim" SET "leaseUntil" = now() - interval '1 second'
      WHERE "consumer" = ${claim.consumer} AND "messageId" = ${claim.messageId}::uuid
        AND "owner" = ${claim.owner} AND "attempts" = ${claim.attempt}`;
  }

  /**
   * Inside the outcome's transaction (or with the service itself, once the outcome is known to be committed):
   * deletes the claim if it is still ours. False → it was taken over, and the
   * caller must roll back (the new holder commits the outcome). The row lock this takes orders the commit against a
   * concurrent take-over: whichever comes second sees the first's result.
   */
  async settle(tx: Tx | PrismaService, claim: HeldClaim): Promise<boolean> {
    const deleted = await tx.$executeRaw`
      DELETE FROM "command_claim"
      WHERE "consumer" = ${claim.consumer} AND "messageId" = ${claim.messageId}::uuid
        AND "owner" = ${claim.owner} AND "attempts" = ${claim.attempt}`;
    return deleted === 1;
  }

  /**
   * Whether the command's outcome has committed (processed_message: the claim's terminal state, written by the same
   * transaction that settles the claim).
   */
  async isProcessed(consumer: string, messageId: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<Array<{ found: number }>>`
      SELECT 1 AS "found" FROM "processed_message" WHERE "consumer" = ${consumer} AND "messageId" = ${messageId}::uuid`;
    return rows.length > 0;
  }

  async find(consumer: string, messageId: string) {
    return this.prisma.commandClaim.findUnique({ where: { consumer_messageId: { consumer, messageId } } });
  }
}
