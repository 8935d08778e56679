import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiKeyAuth, type ApiKeyCaller, Caller } from '@junction/webhooks';
import { type ConnectionHealthDetailView, type ConnectionHealthStatusView, GetConnectionHealthHandler } from './usecases/get-connection-health/get-connection-health.handler';

/**
 * `GET /health/connections` and `GET /health/connections/:id?limit=&before=`: the key's tenant's connections with
 * their health status, reasons, last check, check uptime and p95, and recent call windows (admin scope). Another
 * tenant's connection is 404 CONNECTION_NOT_FOUND; a bad parameter 400 INVALID_QUERY.
 */
@Controller('health/connections')
@ApiKeyAuth('admin')
export class HealthController {
  constructor(private readonly health: GetConnectionHealthHandler) {}

  @Get()
  list(@Caller() caller: ApiKeyCaller): Promise<{ items: ConnectionHealthStatusView[] }> {
    return this.health.list(caller.tenantId);
  }

  @Get(':id')
  get(@Caller() caller: ApiKeyCaller, @Param('id') id: string, @Query() query: Record<string, unknown>): Promise<ConnectionHealthDetailView> {
    return this.health.get(caller.tenantId, id, query);
  }
}
