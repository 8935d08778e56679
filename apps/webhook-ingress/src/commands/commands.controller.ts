import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { ActorContext } from '@junction/webhooks';
import { ApiKeyAuth } from '../auth/api-key.guard';
import { Caller } from '../auth/caller.decorator';
import { AcceptCommandHandler, type AcceptedCommand } from './usecases/accept-command/accept-command.handler';

@Controller('commands')
@ApiKeyAuth('commands')
export class CommandsController {
  constructor(private readonly acceptCommand: AcceptCommandHandler) {}

  /** 202 when accepted (durably queued), 200 with duplicate:true for an id seen before. The tenant is the key's. */
  @Post()
  @HttpCode(202)
  async accept(@Caller() caller: ActorContext, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<AcceptedCommand> {
    const accepted = await this.acceptCommand.execute(body, caller.tenantId);
    if (accepted.duplicate) void reply.status(200);
    return accepted;
  }
}
