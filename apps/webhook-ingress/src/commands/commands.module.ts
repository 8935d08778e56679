import { type DynamicModule, Module } from '@nestjs/common';
import type { IngressEnv } from '../config/env';
import { ApiKeyGuard } from './api-key.guard';
import { CommandsController } from './commands.controller';
import { COMMANDS_API_KEY, COMMANDS_TENANT } from './commands.tokens';
import { AcceptCommandHandler } from './usecases/accept-command/accept-command.handler';

@Module({})
export class CommandsModule {
  static forRoot(env: IngressEnv): DynamicModule {
    return {
      module: CommandsModule,
      controllers: [CommandsController],
      providers: [
        AcceptCommandHandler,
        ApiKeyGuard,
        { provide: COMMANDS_API_KEY, useValue: env.JUNCTION_API_KEY ?? null },
        { provide: COMMANDS_TENANT, useValue: env.TENANT_ID },
      ],
    };
  }
}
