import { Injectable } from '@nestjs/common';
import type { OAuthState } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

export interface NewOAuthStateRow {
  state: string;
  connectionId: string;
  tenantId: string;
  /** The credential row holding the sealed PKCE code_verifier. */
  credentialId: string;
  redirectUri: string;
  returnTo?: string | null;
  expiresAt: Date;
}

/** oauth_state: pending authorizations (state, sealed PKCE verifier), single use. */
@Injectable()
export class OAuthStateRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(tx: Tx, row: NewOAuthStateRow): Promise<void> {
    await tx.oAuthState.create({ data: { ...row, returnTo: row.returnTo ?? null } });
  }

  /**
   * Marks the state consumed and returns it, or null when it is unknown, already consumed or expired (at database
   * time, so replicas' clocks do not matter). One statement: of two callbacks racing with the same state, exactly
   * one gets the row (the other waits on the row lock, then sees consumedAt set).
   */
  async consume(state: string): Promise<OAuthState | null> {
    const [row] = await this.prisma.$queryRaw<OAuthState[]>`
      UPDATE "oauth_state" SET "consumedAt" = now()
      WHERE "state" = ${state} AND "consumedAt" IS NULL AND "expiresAt" > now()
      RETURNING *`;
    return row ?? null;
  }

  /**
   * Deletes the sealed verifiers (and, by cascade, the states) of authorizations that expired or were consumed
   * before `before`; returns how many. Called on each new authorization, so the table stays small without a job.
   */
  async purge(before: Date, tx?: Tx): Promise<number> {
    return (tx ?? this.prisma).$executeRaw`
      DELETE FROM "credential" WHERE "id" IN (
        SELECT "credentialId" FROM "oauth_state" WHERE "expiresAt" < ${before} OR "consumedAt" < ${before}
      )`;
  }
}
