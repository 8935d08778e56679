import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiKeyAuth, type ApiKeyCaller, Caller } from '@junction/webhooks';
import type { RunView } from '../runs/run.view';
import { AdminSchedulesHandler, type ScheduleView } from './usecases/admin-schedules/admin-schedules.handler';

/** `/schedules`: the key's tenant's cron schedules (admin scope). `:id` is the schedule's id or its name. */
@Controller('schedules')
@ApiKeyAuth('admin')
export class SchedulesController {
  constructor(private readonly schedules: AdminSchedulesHandler) {}

  @Get()
  async list(@Caller() caller: ApiKeyCaller): Promise<{ items: ScheduleView[] }> {
    return { items: await this.schedules.list(caller.tenantId) };
  }

  @Post()
  create(@Caller() caller: ApiKeyCaller, @Body() body: unknown): Promise<ScheduleView> {
    return this.schedules.create(caller.tenantId, body);
  }

  @Get(':id')
  get(@Caller() caller: ApiKeyCaller, @Param('id') id: string): Promise<ScheduleView> {
    return this.schedules.get(caller.tenantId, id);
  }

  @Patch(':id')
  update(@Caller() caller: ApiKeyCaller, @Param('id') id: string, @Body() body: unknown): Promise<ScheduleView> {
    return this.schedules.update(caller.tenantId, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Caller() caller: ApiKeyCaller, @Param('id') id: string): Promise<void> {
    return this.schedules.remove(caller.tenantId, id);
  }

  @Post(':id/run')
  @HttpCode(202)
  runNow(@Caller() caller: ApiKeyCaller, @Param('id') id: string): Promise<RunView> {
    return this.schedules.runNow(caller.tenantId, id);
  }
}
