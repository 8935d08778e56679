import { Injectable } from '@nestjs/common';
import type { EffectLedger, Prisma } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

/**
 * What a command did: created or changed something, found it done already, only read, or was rejected; or
 * `dispatched`: a request with an effect was sent and its outcome is not recorded yet (mcp-gateway marks a
 * non-idempotent MCP tool call so that a redelivery after a crash does not call it twice).
 */
export type EffectOutcome = 'created' | 'existed' | 'updated' | 'read' | 'failed' | 'dispatched';

export interface NewEffectLedgerRow {
  commandId: string;
  consumer: string;
  provider: string;
  operation: string;
  /** The provider-side identity we deduplicate on (e.g. the customer's email). */
  naturalKey: string;
  externalRef?: string | null;
  outcome: EffectOutcome;
  detail?: Prisma.InputJsonValue;
}

export type EffectLedgerEntry = Omit<EffectLedger, 'outcome'> & { outcome: EffectOutcome };

/** What a command did at a provider, so a redelivered command does not repeat the side effect. */
@Injectable()
export class EffectLedgerRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One row per (consumer, commandId, operation). Recording again overwrites the outcome: a retry after
   * `failed` records what the retry achieved.
   */
  async record(tx: Tx, row: NewEffectLedgerRow): Promise<EffectLedgerEntry> {
    const fields = {
      provider: row.provider,
      naturalKey: row.naturalKey,
      externalRef: row.externalRef ?? null,
      outcome: row.outcome,
      ...(row.detail === undefined ? {} : { detail: row.detail }),
    };
    const saved = await tx.effectLedger.upsert({
      where: { consumer_commandId_operation: { consumer: row.consumer, commandId: row.commandId, operation: row.operation } },
      create: { consumer: row.consumer, commandId: row.commandId, operation: row.operation, ...fields },
      update: fields,
    });
    return saved as EffectLedgerEntry;
  }

  /** Inserts the row unless one exists for (consumer, commandId, operation); true when this call inserted it. */
  async recordOnce(tx: Tx, row: NewEffectLedgerRow): Promise<boolean> {
    const { count } = await tx.effectLedger.createMany({
      data: [{ ...row, externalRef: row.externalRef ?? null, ...(row.detail === undefined ? {} : { detail: row.detail }) }],
      skipDuplicates: true,
    });
    return count === 1;
  }

  async find(consumer: string, commandId: string, operation: string): Promise<EffectLedgerEntry | null> {
    const found = await this.prisma.effectLedger.findUnique({
      where: { consumer_commandId_operation: { consumer, commandId, operation } },
    });
    return found as EffectLedgerEntry | null;
  }
}
