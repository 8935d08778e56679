import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiKeyAuth, type ApiKeyCaller, Caller } from '@junction/webhooks';
import { JobCatalog, type JobView } from '../registry/job-catalog';
import type { RunView } from './run.view';
import { AdminRunsHandler, type RowErrorsPage } from './usecases/admin-runs/admin-runs.handler';

/** `/batch-runs`: the key's tenant's runs (admin scope): list, show (rate, ETA), row errors, start a job, cancel. */
@Controller('batch-runs')
@ApiKeyAuth('admin')
export class BatchRunsController {
  constructor(private readonly runs: AdminRunsHandler) {}

  @Get()
  async list(@Caller() caller: ApiKeyCaller, @Query() query: Record<string, unknown>): Promise<{ items: RunView[] }> {
    return { items: await this.runs.list(caller.tenantId, query) };
  }

  @Post()
  @HttpCode(202)
  start(@Caller() caller: ApiKeyCaller, @Body() body: unknown): Promise<RunView> {
    return this.runs.start(caller.tenantId, body);
  }

  @Get(':id')
  get(@Caller() caller: ApiKeyCaller, @Param('id') id: string): Promise<RunView> {
    return this.runs.get(caller.tenantId, id);
  }

  @Get(':id/errors')
  errors(@Caller() caller: ApiKeyCaller, @Param('id') id: string, @Query() query: Record<string, unknown>): Promise<RowErrorsPage> {
    return this.runs.errors(caller.tenantId, id, query);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  cancel(@Caller() caller: ApiKeyCaller, @Param('id') id: string): Promise<RunView> {
    return this.runs.cancel(caller.tenantId, id);
  }
}

/** `GET /jobs`: the jobs this batch-scheduler runs, with their params' JSON Schema (admin scope). */
@Controller('jobs')
@ApiKeyAuth('admin')
export class JobsController {
  constructor(private readonly jobs: JobCatalog) {}

  @Get()
  list(): { items: JobView[] } {
    return { items: this.jobs.list() };
  }
}
