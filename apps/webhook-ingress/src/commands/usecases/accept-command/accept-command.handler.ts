import { BadRequestException, ForbiddenException, Inject, Injectable, PayloadTooLargeException } from '@nestjs/common';
import { createMessage, formatIssues, isMessageType, Messages, type AnyMessage, type MessageType } from '@junction/contracts';
import { MESSAGE_BUS, type MessageBus, MessagePublisher, messageSize, toOutgoing } from '@junction/messaging';
import { PrismaService, ProcessedMessageRepository } from '@junction/persistence';
import { z } from 'zod';

export const acceptCommandSchema = z.strictObject({
  type: z.string().min(1),
  payload: z.unknown(),
  id: z.uuid().optional(),
  correlationId: z.string().min(1).max(200).optional(),
  /** Optional and redundant: the tenant is the API key's; a different one is refused (TENANT_MISMATCH). */
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
 *
 * The tenant is the caller's (its API key's), never the body's. A command the bus could not carry is refused here
 * (413) rather than accepted and then parked by the relay: the caller can still act on a 413, not on a 202.
 */
@Injectable()
export class AcceptCommandHandler {
  constructor(
    private readonly prisma: PrismaService,
    private readonly publisher: MessagePublisher,
    private readonly processed: ProcessedMessageRepository,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
  ) {}

  async execute(body: unknown, callerTenant: string): Promise<AcceptedCommand> {
    const request = acceptCommandSchema.safeParse(body);
    if (!request.success) throw invalid(formatIssues(request.error));
    const { type, payload, id, correlationId, tenantId, deadline } = request.data;
    if (!isMessageType(type) || Messages[type].kind !== 'command') {
      throw new BadRequestException({ code: 'UNKNOWN_MESSAGE_TYPE', message: `"${type}" is not a command type` });
    }
    if (tenantId !== undefined && tenantId !== callerTenant) {
      throw new ForbiddenException({ code: 'TENANT_MISMATCH', message: "tenantId differs from the API key's tenant: leave it out, a command acts for its key's tenant" });
    }
    const message = this.build(type, payload, { id, correlationId, tenantId: callerTenant, deadline: deadline ? new Date(deadline) : undefined });
    this.assertFits(message);
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

  /**
   * Measured as the relay will send it. The trace headers of the outbox row come from a producer span opened at
   * enqueue: when no span is active now, room for the traceparent it will add is counted as well.
   */
  private assertFits(message: AnyMessage): void {
    const outgoing = toOutgoing(message);
    const size = messageSize(outgoing) + (outgoing.headers?.traceparent ? 0 : TRACEPARENT_BYTES);
    if (size > this.bus.maxMessageBytes) {
      throw new PayloadTooLargeException({ code: 'PAYLOAD_TOO_LARGE', message: `the command is ${size} bytes as a message, over the bus's limit of ${this.bus.maxMessageBytes} bytes` });
    }
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

/** `traceparent` header name + its 55-character value (version-traceid-spanid-flags). */
const TRACEPARENT_BYTES = 'traceparent'.length + 55;

function invalid(message: string) {
  return new BadRequestException({ code: 'VALIDATION_FAILED', message });
}
