import { Injectable } from '@nestjs/common';
import { isUuid } from '@junction/persistence';
import { CommandResultRepository } from '../../command-result.repository';

export type CommandStatusView =
  | { status: 'succeeded' | 'failed'; commandId: string; commandType: string; eventType: string; payload: Record<string, unknown>; receivedAt: string }
  | { status: 'pending'; commandId: string };

/**
 * A command's answer for the tenant, `pending` for a command submitted from outside (POST /commands, a tool call)
 * that has none yet, null otherwise. A pending command's tenant is not recorded (processed_message holds only its
 * id), so `pending` tells a caller no more than that some command has this id.
 */
@Injectable()
export class GetCommandResultHandler {
  constructor(private readonly results: CommandResultRepository) {}

  async execute(commandId: string, tenantId: string): Promise<CommandStatusView | null> {
    if (!isUuid(commandId)) return null;
    const id = commandId.toLowerCase();
    const row = await this.results.find(id);
    // Another tenant's command is not found, whether answered or not.
    if (row && row.tenantId !== tenantId) return null;
    if (row) return { status: row.outcome, commandId: row.commandId, commandType: row.commandType, eventType: row.eventType, payload: row.payload, receivedAt: row.receivedAt.toISOString() };
    return (await this.results.wasSubmitted(id)) ? { status: 'pending', commandId: id } : null;
  }
}
