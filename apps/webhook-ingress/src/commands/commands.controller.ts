import { Body, Controller, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard } from './api-key.guard';
import { COMMANDS_TENANT } from './commands.tokens';
import { AcceptCommandHandler, type AcceptedCommand } from './usecases/accept-command/accept-command.handler';

@Controller('commands')
@UseGuards(ApiKeyGuard)
export class CommandsController {
  constructor(
    private readonly acceptCommand: AcceptCommandHandler,
    @Inject(COMMANDS_TENANT) private readonly tenant: string,
  ) {}

  /** 202 when accepted (durably queued), 200 with duplicate:true for an id seen before. */
  @Post()
  @HttpCode(202)
  async accept(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<AcceptedCommand> {
    const accepted = await this.acceptCommand.execute(body, this.tenant);
    if (accepted.duplicate) void reply.status(200);
    return accepted;
  }
}
