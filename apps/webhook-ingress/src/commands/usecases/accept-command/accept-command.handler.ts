import { BadRequestException, Injectable } from '@nestjs/common';
import { createMessage, formatIssues, isMessageType, Messages, type AnyMessage, type MessageType } from '@junction/contracts';
import { MessagePublisher } from '@junction/messaging';
import { PrismaService, ProcessedMessageRepository } from '@junction/persistence';
import { z } from 'zod';

export const acceptCommandSchema = z.strictObject({
  type: z.string().min(1),
  payload: z.unknown(),
  id: z.uuid().optional(),
  correlationId: z.string().min(1).max(200).optional(),
  tenantId: z.string().min(1).max(100).optional(),
  /** By when the effect is needed; workers stop retrying provider calls past it. */
  deadline: z.iso.datetime({ offset: true }).optional(),
});

export type AcceptedCommand = { id: string; type: string; topic: string; correlationId: string; duplicate: boolean };

/** The idempotency record of commands accepted over HTTP (in `processed_message`, beside the consumers' own). */
export const HTTP_COMMANDS_GUARD = 'webhook-ingress:http-commands';

/**
 * An upstream system's command over HTTP: validated against its contract, then written to the outbox
 * before we answer (durable before 202). The command id is the idempotency key, recorded in the same
 * transaction (the outbox row itself is deleted once relayed): the same id again answers `duplicate: true` and
 * publishes nothing, also long after the first was published.
 */
@Injectable()
export class AcceptCommandHandler {
  constructor(
    private readonly prisma: PrismaService,
    private readonly publisher: MessagePublisher,
    private readonly processed: ProcessedMessageRepository,
  ) {}

  async execute(body: unknown, defaultTenant: string): Promise<AcceptedCommand> {
    const request = acceptCommandSchema.safeParse(body);
    if (!request.success) throw invalid(formatIssues(request.error));
    const { type, payload, id, correlationId, tenantId, deadline } = request.data;
    if (!isMessageType(type) || Messages[type].kind !== 'command') {
      throw new BadRequestException({ code: 'UNKNOWN_MESSAGE_TYPE', message: `"${type}" is not a command type` });
    }
    const message = this.build(type, payload, { id, correlationId, tenantId: tenantId ?? defaultTenant, deadline: deadline ? new Date(deadline) : undefined });
    const accepted = { id: message.id, type, topic: Messages[type].topic, correlationId: message.correlationId };
    const first = await this.prisma.transaction(async (tx) => {
      // A concurrent request with the same id waits on this insert until the first commits, then sees it.
      if (!(await this.processed.tryRecord(tx, HTTP_COMMANDS_GUARD, message.id))) return false;
      await this.publisher.enqueue(tx, [message]);
      return true;
    });
    if (!first) return { ...accepted, duplicate: true };
    this.publisher.wake();
    return { ...accepted, duplicate: false };
  }

  private build(type: MessageType, payload: unknown, options: { id?: string; correlationId?: string; tenantId: string; deadline?: Date }): AnyMessage {
    try {
      return createMessage(type, payload as never, options) as AnyMessage;
    } catch (error) {
      if (error instanceof z.ZodError) throw invalid(`payload: ${formatIssues(error)}`);
      throw error;
    }
  }
}

function invalid(message: string) {
  return new BadRequestException({ code: 'VALIDATION_FAILED', message });
}
