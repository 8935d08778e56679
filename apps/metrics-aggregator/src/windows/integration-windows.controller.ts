import { Controller, Get, Query } from '@nestjs/common';
import { ApiKeyAuth, type ApiKeyCaller, Caller } from '@junction/webhooks';
import { GetIntegrationWindowsHandler, type IntegrationWindowsView } from './usecases/get-integration-windows/get-integration-windows.handler';

/**
 * `GET /metrics/integrations?provider=&connection=&operation=&window=1m|1h&from=&to=&limit=`: the key's tenant's
 * metric windows (admin scope, like the admin API). 400 INVALID_QUERY for a bad parameter.
 */
@Controller('metrics/integrations')
@ApiKeyAuth('admin')
export class IntegrationWindowsController {
  constructor(private readonly getWindows: GetIntegrationWindowsHandler) {}

  @Get()
  list(@Caller() caller: ApiKeyCaller, @Query() query: Record<string, unknown>): Promise<IntegrationWindowsView> {
    return this.getWindows.execute(caller.tenantId, query);
  }
}
