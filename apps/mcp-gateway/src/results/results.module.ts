import { type DynamicModule, Module } from '@nestjs/common';
import { ApiKeyGuard, ApiKeyService } from '@junction/webhooks';
import { CommandResultRepository } from './command-result.repository';
import { CommandResultWaiter, RESULTS_DATABASE_URL } from './command-result.waiter';
import { CommandResultsConsumer } from './command-results.consumer';
import { CommandResultsController } from './command-results.controller';
import { GetCommandResultHandler } from './usecases/get-command-result/get-command-result.handler';
import { RecordCommandResultHandler } from './usecases/record-command-result/record-command-result.handler';

/**
 * Command results: every answer to a command recorded in command_result (consumer), waited for across replicas
 * (LISTEN/NOTIFY with a polling fallback), and readable at `GET /commands/:id`.
 */
@Module({})
export class ResultsModule {
  static forRoot(options: { databaseUrl: string }): DynamicModule {
    return {
      module: ResultsModule,
      controllers: [CommandResultsConsumer, CommandResultsController],
      providers: [
        { provide: RESULTS_DATABASE_URL, useValue: options.databaseUrl },
        CommandResultRepository,
        CommandResultWaiter,
        RecordCommandResultHandler,
        GetCommandResultHandler,
        ApiKeyService,
        ApiKeyGuard,
      ],
      exports: [CommandResultRepository, CommandResultWaiter],
    };
  }
}
