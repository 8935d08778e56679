import { BadRequestException, ForbiddenException, Injectable, PayloadTooLargeException } from '@nestjs/common';
import { formatIssues } from '@junction/contracts';
import { CommandSubmitter, SUBMITTED_COMMANDS_GUARD } from '@junction/messaging';
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
export const HTTP_COMMANDS_GUARD = SUBMITTED_COMMANDS_GUARD;

/**
 * An upstream system's command over HTTP: the body checked here, then the command submitted through the outbox
 * (CommandSubmitter, libs/messaging: validated against its contract, durable before 202, the id as idempotency key,
 * refused when too large for the bus). The tenant is the caller's (its API key's), never the body's.
 */
@Injectable()
export class AcceptCommandHandler {
  constructor(private readonly submitter: CommandSubmitter) {}

  async execute(body: unknown, callerTenant: string): Promise<AcceptedCommand> {
    const request = acceptCommandSchema.safeParse(body);
    if (!request.success) throw new BadRequestException({ code: 'VALIDATION_FAILED', message: formatIssues(request.error) });
    const { type, payload, id, correlationId, tenantId, deadline } = request.data;
    if (tenantId !== undefined && tenantId !== callerTenant) {
      throw new ForbiddenException({ code: 'TENANT_MISMATCH', message: "tenantId differs from the API key's tenant: leave it out, a command acts for its key's tenant" });
    }
    const result = await this.submitter.submit({ type, payload, id, correlationId, tenantId: callerTenant, deadline: deadline ? new Date(deadline) : undefined });
    if (result.ok) return { ...result.command };
    const error = { code: result.code, message: result.message };
    throw result.code === 'PAYLOAD_TOO_LARGE' ? new PayloadTooLargeException(error) : new BadRequestException(error);
  }
}
