import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { ConnectionResolver } from '@junction/integrations';
import { PostgresRateLimiter, PrismaService } from '@junction/persistence';
import { ResiliencePipelines } from '@junction/resilience';
import type { BatchJobsEnv } from '../config/batch-jobs-env';
import { BatchFileRepository } from '../files/batch-file.repository';
import type { BatchJob } from './batch-job';
import { CsvExportJob } from './csv-export/csv-export.job';
import { CsvImportJob } from './csv-import/csv-import.job';
import { crmClients, erpNextClients } from './providers/provider-clients';
import { CrmReader, ErpNextReader } from './providers/provider-readers';
import { ReconcileCustomersJob } from './reconcile/reconcile-customers.job';
import { BatchCommandsRepository } from './shared/batch-commands.repository';
import { BATCH_JOBS_OPTIONS, BatchPublishing, type BatchJobsOptions } from './shared/batch-publishing';
import { CommandPacer } from './shared/command-pacer';
import { ErpStockSyncJob } from './sync/erp-stock-sync.job';
import { RedditMonitorSyncJob } from './sync/reddit-monitor-sync.job';

/** The sync, CSV and reconciliation jobs, for BatchJobsModule's registry (app.definition lists them with retention). */
export const SYNC_AND_CSV_JOBS: ReadonlyArray<Type<BatchJob>> = [ErpStockSyncJob, RedditMonitorSyncJob, CsvImportJob, CsvExportJob, ReconcileCustomersJob] as unknown as ReadonlyArray<Type<BatchJob>>;

/**
 * What the sync, CSV and reconciliation jobs need: the paced, at-most-once path to the outbox (BatchPublishing), the
 * provider readers (export, reconciliation: the tenant's connection through the resilience pipeline), batch files.
 * Needs ResilienceModule and, for connections, IntegrationsModule (ConnectionResolver) imported by the app. Global, so
 * the job classes (instantiated by BatchJobsModule) and FilesModule find these without importing it.
 */
@Module({})
export class JobsModule {
  static forRoot(env: BatchJobsEnv): DynamicModule {
    const options: BatchJobsOptions = { checkpointEvery: env.BATCH_CHECKPOINT_ROWS, pageSize: env.BATCH_PAGE_SIZE, maxFileBytes: env.BATCH_FILE_MAX_BYTES };
    const resolver = { token: ConnectionResolver, optional: true };
    const providers: Provider[] = [
      { provide: BATCH_JOBS_OPTIONS, useValue: options },
      BatchCommandsRepository,
      BatchPublishing,
      BatchFileRepository,
      { provide: CommandPacer, inject: [PrismaService], useFactory: (prisma: PrismaService) => new CommandPacer(new PostgresRateLimiter(prisma)) },
      {
        provide: ErpNextReader,
        inject: [ResiliencePipelines, resolver],
        useFactory: (pipelines: ResiliencePipelines, connections?: ConnectionResolver) => new ErpNextReader(erpNextClients(env, env.JUNCTION_KEK ? connections : undefined), pipelines),
      },
      {
        provide: CrmReader,
        inject: [ResiliencePipelines, resolver],
        useFactory: (pipelines: ResiliencePipelines, connections?: ConnectionResolver) => new CrmReader(crmClients(env, env.JUNCTION_KEK ? connections : undefined), pipelines),
      },
    ];
    return { module: JobsModule, global: true, providers, exports: [BATCH_JOBS_OPTIONS, BatchPublishing, BatchFileRepository, ErpNextReader, CrmReader] };
  }
}
