import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@junction/persistence';
import { SUBMITTED_COMMANDS_GUARD } from '@junction/messaging';

/** The channel a recorded answer is announced on (payload: the command id). */
export const COMMAND_RESULT_CHANNEL = 'junction_command_result';

export type CommandOutcome = 'succeeded' | 'failed';

export interface CommandResultRow {
  commandId: string;
  tenantId: string;
  commandType: string;
  eventType: string;
  outcome: CommandOutcome;
  payload: Record<string, unknown>;
  receivedAt: Date;
}

/** command_result: the event that answered a command, once per command. */
@Injectable()
export class CommandResultRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Records the answer unless one is recorded already (a redelivered or second answer changes nothing) and, in the
   * same transaction, announces it with pg_notify: Postgres delivers the notification only when the row commits, so a
   * waiter that hears it always finds the row. True when this call recorded it.
   */
  async record(row: Omit<CommandResultRow, 'receivedAt'>): Promise<boolean> {
    return this.prisma.transaction(async (tx) => {
      const inserted = await tx.$executeRaw`
        INSERT INTO "command_result" ("commandId", "tenantId", "commandType", "eventType", "outcome", "payload")
        VALUES (${row.commandId}::uuid, ${row.tenantId}, ${row.commandType}, ${row.eventType}, ${row.outcome}, ${JSON.stringify(row.payload)}::jsonb)
        ON CONFLICT ("commandId") DO NOTHING`;
      if (inserted === 1) await tx.$executeRaw`SELECT pg_notify(${COMMAND_RESULT_CHANNEL}, ${row.commandId})`;
      return inserted === 1;
    });
  }

  /** The answer whatever its tenant: callers compare the tenant themselves. */
  async find(commandId: string): Promise<CommandResultRow | null> {
    const row = await this.prisma.commandResult.findUnique({ where: { commandId } });
    return row ? toRow(row) : null;
  }

  /** The recorded answers among `commandIds` (any tenant: the waiter checks its own). */
  async findMany(commandIds: readonly string[]): Promise<CommandResultRow[]> {
    if (commandIds.length === 0) return [];
    return (await this.prisma.commandResult.findMany({ where: { commandId: { in: [...commandIds] } } })).map(toRow);
  }

  /** Whether a command with this id was submitted from outside the bus (POST /commands, an MCP tool call). */
  async wasSubmitted(commandId: string): Promise<boolean> {
    return (await this.prisma.processedMessage.count({ where: { consumer: SUBMITTED_COMMANDS_GUARD, messageId: commandId } })) > 0;
  }
}

function toRow(row: { commandId: string; tenantId: string; commandType: string; eventType: string; outcome: string; payload: Prisma.JsonValue; receivedAt: Date }): CommandResultRow {
  return { ...row, outcome: row.outcome === 'failed' ? 'failed' : 'succeeded', payload: (row.payload ?? {}) as Record<string, unknown> };
}
