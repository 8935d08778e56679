import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiKeyAuth, type ApiKeyCaller, Caller } from '@junction/webhooks';
import { GetCommandResultHandler, type CommandStatusView } from './usecases/get-command-result/get-command-result.handler';

/** `GET /commands/:id`: a command's answer for the key's tenant (what a tool call that returned `pending` polls). */
@Controller('commands')
@ApiKeyAuth('commands')
export class CommandResultsController {
  constructor(private readonly getResult: GetCommandResultHandler) {}

  @Get(':id')
  async get(@Caller() caller: ApiKeyCaller, @Param('id') id: string): Promise<CommandStatusView> {
    const view = await this.getResult.execute(id, caller.tenantId);
    if (!view) throw new NotFoundException({ code: 'COMMAND_NOT_FOUND', message: `no command "${id.slice(0, 100)}" of this tenant` });
    return view;
  }
}
