import { type DynamicModule, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ApiKeyGuard, ApiKeyService } from '@junction/webhooks';
import { BATCH_JOBS_OPTIONS, type BatchJobsOptions } from '../jobs/shared/batch-publishing';
import { BatchFilesController } from './batch-files.controller';
import { GetBatchFileHandler } from './usecases/get-batch-file/get-batch-file.handler';
import { UploadBatchFileHandler } from './usecases/upload-batch-file/upload-batch-file.handler';

/**
 * Takes `text/csv` bodies as raw bytes up to BATCH_FILE_MAX_BYTES (the app's JSON limit is 1 MiB; Fastify answers a
 * larger body 413 PAYLOAD_TOO_LARGE before any handler). Registered before the app listens.
 */
class CsvBodyParser implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    @Inject(BATCH_JOBS_OPTIONS) private readonly options: BatchJobsOptions,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    if (fastify.hasContentTypeParser('text/csv')) return;
    fastify.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: this.options.maxFileBytes }, (_request, body, done) => done(null, body));
  }
}

/** The batch files API: CSV uploads to import, exports to download. */
@Module({})
export class FilesModule {
  /** Needs JobsModule (global: BATCH_JOBS_OPTIONS, BatchFileRepository) imported by the app. */
  static forRoot(): DynamicModule {
    return {
      module: FilesModule,
      controllers: [BatchFilesController],
      providers: [ApiKeyService, ApiKeyGuard, UploadBatchFileHandler, GetBatchFileHandler, { provide: CsvBodyParser, inject: [HttpAdapterHost, BATCH_JOBS_OPTIONS], useFactory: (a: HttpAdapterHost, o: BatchJobsOptions) => new CsvBodyParser(a, o) }],
    };
  }
}
