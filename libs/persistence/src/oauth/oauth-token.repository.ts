import { Injectable } from '@nestjs/common';
import type { Credential, OAuthToken } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

/** What a token grant stores besides the sealed tokens (the credential row). */
export interface OAuthTokenFields {
  credentialId: string;
  tokenType: string;
  scope: string | null;
  accessExpiresAt: Date | null;
  refreshExpiresAt: Date | null;
}

export type OAuthTokenWithCredential = OAuthToken & { credential: Credential };

/**
 * oauth_token: a connection's sealed tokens and the refresh lease. `version` counts token sets: every write of new
 * tokens bumps it, and every write is a compare-and-set on it, so a refresh is committed at most once per version.
 */
@Injectable()
export class OAuthTokenRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The row with its credential. Prisma reads the two in separate statements: a refresh committing in between
   * deletes the credential the row pointed to, so the credential comes back null although the relation is required.
   * Read again then: the row now points at the new one.
   */
  async find(connectionId: string, tx?: Tx): Promise<OAuthTokenWithCredential | null> {
    for (;;) {
      const row = await (tx ?? this.prisma).oAuthToken.findUnique({ where: { connectionId }, include: { credential: true } });
      if (!row || (row.credential as Credential | null) !== null) return row;
    }
  }

  /**
   * Stores a new grant (after the authorization-code exchange): inserts, or replaces the tokens of an earlier grant
   * (version + 1, any lease dropped) and deletes the replaced tokens' credential row, in the caller's transaction.
   */
  async upsert(tx: Tx, connectionId: string, fields: OAuthTokenFields): Promise<void> {
    const [existing] = await tx.$queryRaw<Array<{ credentialId: string }>>`
      SELECT "credentialId" FROM "oauth_token" WHERE "connectionId" = ${connectionId}::uuid FOR UPDATE`;
    const data = { ...fields, refreshedAt: null, refreshLeaseUntil: null, refreshLeaseOwner: null };
    if (!existing) {
      await tx.oAuthToken.create({ data: { connectionId, ...data } });
      return;
    }
    await tx.oAuthToken.update({ where: { connectionId }, data: { ...data, version: { increment: 1 } } });
    if (existing.credentialId !== fields.credentialId) await tx.credential.delete({ where: { id: existing.credentialId } });
  }

  /**
   * Takes the refresh lease, committed at once (no transaction stays open): only while the row is still at
   * `version` and nobody holds a live lease; an expired lease (crashed or stuck holder) is taken over. Times are
   * the database's, so replicas' clocks do not matter. True when this caller now holds the lease.
   */
  async tryLease(connectionId: string, version: number, owner: string, leaseMs: number): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE "oauth_token"
      SET "refreshLeaseUntil" = now() + make_interval(secs => ${leaseMs / 1000}::double precision), "refreshLeaseOwner" = ${owner}
      WHERE "connectionId" = ${connectionId}::uuid AND "version" = ${version}
        AND ("refreshLeaseUntil" IS NULL OR "refreshLeaseUntil" <= now())`;
    return count === 1;
  }

  /**
   * Commits refreshed tokens if the row is still at `version` (compare-and-set; the lease owner is not required:
   * a holder whose lease lapsed mid-call still commits if nobody else did first). Bumps version, clears the lease,
   * deletes the replaced tokens' credential row. False when another refresher won (the caller rolls back).
   */
  async commitRefresh(tx: Tx, connectionId: string, version: number, fields: OAuthTokenFields): Promise<boolean> {
    const [row] = await tx.$queryRaw<Array<{ credentialId: string }>>`
      SELECT "credentialId" FROM "oauth_token" WHERE "connectionId" = ${connectionId}::uuid AND "version" = ${version} FOR UPDATE`;
    if (!row) return false;
    await tx.oAuthToken.update({
      where: { connectionId },
      data: { ...fields, version: { increment: 1 }, refreshedAt: new Date(), refreshLeaseUntil: null, refreshLeaseOwner: null },
    });
    await tx.credential.delete({ where: { id: row.credentialId } });
    return true;
  }

  /**
   * For a refresh that failed for good: locks the row if it is still at `version` and clears the lease. False when
   * the tokens moved on meanwhile (another replica refreshed: the failure is stale, not a reason to re-authorize).
   */
  async lockAtVersion(tx: Tx, connectionId: string, version: number): Promise<boolean> {
    const count = await tx.$executeRaw`
      UPDATE "oauth_token" SET "refreshLeaseUntil" = NULL, "refreshLeaseOwner" = NULL
      WHERE "connectionId" = ${connectionId}::uuid AND "version" = ${version}`;
    return count === 1;
  }

  /** Gives the lease back after a retryable failure, so the next caller can try at once. */
  async releaseLease(connectionId: string, owner: string): Promise<void> {
    await this.prisma.oAuthToken.updateMany({ where: { connectionId, refreshLeaseOwner: owner }, data: { refreshLeaseUntil: null, refreshLeaseOwner: null } });
  }

  /** Deletes the row and its credential row (the sealed tokens). False when there was none. */
  async delete(tx: Tx, connectionId: string): Promise<boolean> {
    const [row] = await tx.$queryRaw<Array<{ credentialId: string }>>`
      DELETE FROM "oauth_token" WHERE "connectionId" = ${connectionId}::uuid RETURNING "credentialId"`;
    if (!row) return false;
    await tx.credential.delete({ where: { id: row.credentialId } });
    return true;
  }
}
