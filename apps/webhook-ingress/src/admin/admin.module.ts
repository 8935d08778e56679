import { Module } from '@nestjs/common';
import { ApiKeyService, WebhookEndpointService } from '@junction/webhooks';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { EndpointErrorInterceptor } from './endpoint-error.interceptor';
import { WebhookEndpointsController } from './webhook-endpoints.controller';

/**
 * The admin API (`/admin/*`, API key with the admin scope). Needs the global PersistenceModule (repositories,
 * PrismaService) and SecurityModule (CredentialService).
 */
@Module({
  controllers: [WebhookEndpointsController],
  providers: [WebhookEndpointService, ApiKeyService, ApiKeyGuard, EndpointErrorInterceptor],
})
export class AdminModule {}
