import { Module } from '@nestjs/common';
import { DeadLetterAdmin } from '@junction/messaging';
import { ApiKeyService, WebhookEndpointService } from '@junction/webhooks';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ConnectionsController } from './connections.controller';
import { DeadLettersController } from './dead-letters.controller';
import { EndpointErrorInterceptor } from './endpoint-error.interceptor';
import { IntegrationTypesController } from './integration-types.controller';
import { WebhookEndpointsController } from './webhook-endpoints.controller';

/**
 * The admin API (`/admin/*`, API key with the admin scope). Needs the global PersistenceModule (repositories,
 * PrismaService), SecurityModule (CredentialService), IntegrationsModule (catalog and connections) and MessagingModule
 * (the bus, for dead-letter redrive), all global.
 */
@Module({
  controllers: [WebhookEndpointsController, IntegrationTypesController, ConnectionsController, DeadLettersController],
  providers: [WebhookEndpointService, ApiKeyService, ApiKeyGuard, EndpointErrorInterceptor, DeadLetterAdmin],
})
export class AdminModule {}
