import { Injectable, Logger } from '@nestjs/common';
import { Messages, type AnyMessage, type MessageType } from '@junction/contracts';
import { CommandResultRepository } from '../../command-result.repository';

/** Per answer type, the command it answers and how (from the registry's `replies`). */
type Answer = { commandType: MessageType; outcome: 'succeeded' | 'failed' };
const ANSWERS: ReadonlyMap<string, Answer> = new Map<string, Answer>(
  Object.values(Messages).flatMap((definition): Array<[string, Answer]> => {
    const replies = (definition as { replies?: { succeeded: string; failed: string } }).replies;
    if (!replies) return [];
    const commandType = definition.type as MessageType;
    return [
      [replies.succeeded, { commandType, outcome: 'succeeded' }],
      [replies.failed, { commandType, outcome: 'failed' }],
    ];
  }),
);

/**
 * An event answering a command → its command_result row (once per command) and a notification to the replica
 * waiting for it. Idempotent by the table's key: a redelivered event records nothing new and needs no guard.
 */
@Injectable()
export class RecordCommandResultHandler {
  private readonly logger = new Logger(RecordCommandResultHandler.name);

  constructor(private readonly results: CommandResultRepository) {}

  async execute(event: AnyMessage): Promise<void> {
    const answer = ANSWERS.get(event.type);
    const payload = event.payload as Record<string, unknown>;
    // Replies are built with createReply (causationId = the command's id); every answer's payload repeats it too.
    const commandId = typeof payload.commandId === 'string' ? payload.commandId : event.causationId;
    if (!answer || !commandId) {
      this.logger.warn({ message: 'an event that answers no command: not recorded', messageId: event.id, correlationId: event.correlationId, type: event.type });
      return;
    }
    const recorded = await this.results.record({
      commandId,
      tenantId: event.tenantId,
      commandType: typeof payload.commandType === 'string' ? payload.commandType : answer.commandType,
      eventType: event.type,
      outcome: answer.outcome,
      payload,
    });
    if (!recorded) this.logger.debug?.({ message: 'command already answered', commandId, messageId: event.id, correlationId: event.correlationId });
  }
}
