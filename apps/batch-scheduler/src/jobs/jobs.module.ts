import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ConnectionResolver } from '@junction/integrations';
import { PostgresRateLimiter, PrismaService } from '@junction/persistence';
import { ResiliencePipelines } from '@junction/resilience';
import type { BatchJobsEnv } from '../config/batch-jobs-env';
import { BatchFileRepository } from '../files/batch-file.repository';
import { BATCH_JOBS, type BatchJob, type BatchJobRegistry } from './batch-job';
import { CsvExportJob } from './csv-export/csv-export.job';
import { CsvImportJob } from './csv-import/csv-import.job';
import { erpNextClients, crmClients } from './providers/provider-clients';
import { CrmReader, ErpNextReader } from './providers/provider-readers';
import { ReconcileCustomersJob } from './reconcile/reconcile-customers.job';
import { BatchCommandsRepository } from './shared/batch-commands.repository';
import { BATCH_JOBS_OPTIONS, BatchPublishing, type BatchJobsOptions } from './shared/batch-publishing';
import { CommandPacer } from './shared/command-pacer';
import { ErpStockSyncJob } from './sync/erp-stock-sync.job';
import { RedditMonitorSyncJob } from './sync/reddit-monitor-sync.job';

/**
 * The batch jobs (BATCH_JOBS, read by the scheduler's runner and admin API): erp.stock.sync, reddit.monitor.sync,
 * csv.import, csv.export, reconcile.customers. Needs ResilienceModule (provider reads) and, for connections,
 * IntegrationsModule (ConnectionResolver) imported by the app.
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
      ErpStockSyncJob,
      RedditMonitorSyncJob,
      CsvImportJob,
      { provide: CsvExportJob, inject: [ErpNextReader, BatchFileRepository], useFactory: (erp: ErpNextReader, files: BatchFileRepository) => new CsvExportJob(erp, files, options) },
      {
        provide: ReconcileCustomersJob,
        inject: [ErpNextReader, CrmReader, BatchPublishing],
        useFactory: (erp: ErpNextReader, crm: CrmReader, publishing: BatchPublishing) => new ReconcileCustomersJob(erp, crm, publishing, options),
      },
      {
        provide: BATCH_JOBS,
        inject: [ErpStockSyncJob, RedditMonitorSyncJob, CsvImportJob, CsvExportJob, ReconcileCustomersJob],
        useFactory: (...jobs: BatchJob<never>[]): BatchJobRegistry => new Map(jobs.map((job) => [job.name, job as unknown as BatchJob])),
      },
    ];
    return { module: JobsModule, providers, exports: [BATCH_JOBS, BATCH_JOBS_OPTIONS, BatchFileRepository] };
  }
}
