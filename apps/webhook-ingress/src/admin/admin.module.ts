import { Module } from '@nestjs/common';
import { ApiKeyService, WebhookEndpointService } from '@junction/webhooks';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ConnectionsController } from './connections.controller';
import { EndpointErrorInterceptor } from './endpoint-error.interceptor';
import { IntegrationTypesController } from './integration-types.controller';
import { WebhookEndpointsController } from './webhook-endpoints.controller';

/**
 * The admin API (`/admin/*`, API key with the admin scope). Needs the global PersistenceModule (repositories,
 * PrismaService), SecurityModule (CredentialService) and IntegrationsModule (catalog and connections), all global.
 */
@Module({
  controllers: [WebhookEndpointsController, IntegrationTypesController, ConnectionsController],
  providers: [WebhookEndpointService, ApiKeyService, ApiKeyGuard, EndpointErrorInterceptor],
})
export class AdminModule {}
