import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { ActorContext } from '@junction/webhooks';
import { ApiKeyAuth } from '../auth/api-key.guard';
import { Caller } from '../auth/caller.decorator';
import { ApiKeyDocs, ErrorResponse, ZodBody } from '../docs/openapi.schemas';
import { AcceptCommandHandler, type AcceptedCommand, acceptCommandSchema } from './usecases/accept-command/accept-command.handler';

@ApiTags('commands')
@ApiKeyDocs('commands')
@Controller('commands')
@ApiKeyAuth('commands')
export class CommandsController {
  constructor(private readonly acceptCommand: AcceptCommandHandler) {}

  /** 202 when accepted (durably queued), 200 with duplicate:true for an id seen before. The tenant is the key's. */
  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a command for a worker (durably queued)' })
  @ZodBody(acceptCommandSchema)
  @ApiResponse({ status: 202, description: 'accepted' })
  @ApiResponse({ status: 200, description: 'a command id seen before (duplicate: true)' })
  @ErrorResponse(400, 'VALIDATION_FAILED')
  @ErrorResponse(403, 'TENANT_MISMATCH')
  @ErrorResponse(413, 'PAYLOAD_TOO_LARGE')
  async accept(@Caller() caller: ActorContext, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<AcceptedCommand> {
    const accepted = await this.acceptCommand.execute(body, caller.tenantId);
    if (accepted.duplicate) void reply.status(200);
    return accepted;
  }
}
