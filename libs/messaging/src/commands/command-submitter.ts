import { Inject, Injectable } from '@nestjs/common';
import { createMessage, formatIssues, isMessageType, Messages, type AnyMessage, type MessageType } from '@junction/contracts';
import { PrismaService, ProcessedMessageRepository } from '@junction/persistence';
import { z } from 'zod';
import { messageSize, type MessageBus } from '../bus/message-bus.port';
import { MESSAGE_BUS } from '../messaging.tokens';
import { toOutgoing } from '../publishing/outgoing-message';
import { MessagePublisher } from '../publishing/message.publisher';

/** The idempotency record of commands submitted from outside (in `processed_message`, beside the consumers' own). */
export const SUBMITTED_COMMANDS_GUARD = 'webhook-ingress:http-commands';

export interface CommandSubmission {
  readonly type: string;
  readonly payload: unknown;
  /** The command id and idempotency key: the same id again publishes nothing (`duplicate: true`). */
  readonly id?: string;
  readonly correlationId?: string;
  /** The caller's tenant (its API key's), never a body's. */
  readonly tenantId: string;
  readonly deadline?: Date;
  /** The connection to run on (envelope `connectionId`); absent: the tenant's default of the provider. */
  readonly connectionId?: string;
}

export interface SubmittedCommand {
  readonly id: string;
  readonly type: MessageType;
  readonly topic: string;
  readonly correlationId: string;
  readonly duplicate: boolean;
}

export type CommandRefusalCode = 'UNKNOWN_MESSAGE_TYPE' | 'VALIDATION_FAILED' | 'PAYLOAD_TOO_LARGE';
export type CommandSubmissionResult =
  | { readonly ok: true; readonly command: SubmittedCommand }
  | { readonly ok: false; readonly code: CommandRefusalCode; readonly message: string; readonly issues?: readonly z.core.$ZodIssue[] };

/**
 * A command from outside the bus (POST /commands, an MCP tool call): validated against its contract, then written to
 * the outbox before the caller is answered (durable first). The command id is the idempotency key, recorded in the
 * same transaction (the outbox row itself is deleted once relayed): the same id again is `duplicate: true` and
 * publishes nothing, also long after the first was published.
 *
 * A command the bus could not carry is refused here (PAYLOAD_TOO_LARGE) rather than accepted and then parked by the
 * relay: the caller can still act on a refusal, not on an acceptance. Expected refusals are a Result, not exceptions:
 * each edge maps them to its own protocol (HTTP 4xx, an MCP tool error).
 */
@Injectable()
export class CommandSubmitter {
  constructor(
    private readonly prisma: PrismaService,
    private readonly publisher: MessagePublisher,
    private readonly processed: ProcessedMessageRepository,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
  ) {}

  async submit(submission: CommandSubmission): Promise<CommandSubmissionResult> {
    const { type } = submission;
    if (!isMessageType(type) || Messages[type].kind !== 'command') {
      return { ok: false, code: 'UNKNOWN_MESSAGE_TYPE', message: `"${type}" is not a command type` };
    }
    let message: AnyMessage;
    try {
      message = createMessage(type, submission.payload as never, {
        id: submission.id,
        correlationId: submission.correlationId,
        tenantId: submission.tenantId,
        deadline: submission.deadline,
        connectionId: submission.connectionId,
      }) as AnyMessage;
    } catch (error) {
      if (error instanceof z.ZodError) return { ok: false, code: 'VALIDATION_FAILED', message: `payload: ${formatIssues(error)}`, issues: error.issues };
      throw error;
    }
    const size = this.sizeAsSent(message);
    if (size > this.bus.maxMessageBytes) {
      return { ok: false, code: 'PAYLOAD_TOO_LARGE', message: `the command is ${size} bytes as a message, over the bus's limit of ${this.bus.maxMessageBytes} bytes` };
    }
    const first = await this.prisma.transaction(async (tx) => {
      // A concurrent submission with the same id waits on this insert until the first commits, then sees it.
      if (!(await this.processed.tryRecord(tx, SUBMITTED_COMMANDS_GUARD, message.id))) return false;
      await this.publisher.enqueue(tx, [message]);
      return true;
    });
    if (first) this.publisher.wake();
    return { ok: true, command: { id: message.id, type, topic: Messages[type].topic, correlationId: message.correlationId, duplicate: !first } };
  }

  /**
   * Measured as the relay will send it. The trace headers of the outbox row come from a producer span opened at
   * enqueue: when no span is active now, room for the traceparent it will add is counted as well.
   */
  private sizeAsSent(message: AnyMessage): number {
    const outgoing = toOutgoing(message);
    return messageSize(outgoing) + (outgoing.headers?.traceparent ? 0 : TRACEPARENT_BYTES);
  }
}

/** `traceparent` header name + its 55-character value (version-traceid-spanid-flags). */
const TRACEPARENT_BYTES = 'traceparent'.length + 55;
