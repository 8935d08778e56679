import { type DynamicModule, Module } from '@nestjs/common';
import { ApiKeyService } from '@junction/webhooks';
import { ApiKeyGuard, PLAIN_API_KEY, plainApiKey } from '../auth/api-key.guard';
import type { IngressEnv } from '../config/env';
import { CommandsController } from './commands.controller';
import { AcceptCommandHandler } from './usecases/accept-command/accept-command.handler';

/** POST /commands: API keys with the commands scope (stored `jk_…` keys, or a plain JUNCTION_API_KEY for TENANT_ID). */
@Module({})
export class CommandsModule {
  static forRoot(env: IngressEnv): DynamicModule {
    return {
      module: CommandsModule,
      controllers: [CommandsController],
      providers: [AcceptCommandHandler, ApiKeyService, ApiKeyGuard, { provide: PLAIN_API_KEY, useValue: plainApiKey(env.JUNCTION_API_KEY, env.TENANT_ID) }],
    };
  }
}
