import { Module } from '@nestjs/common';
import { ApiKeyService } from '@junction/webhooks';
import { EndpointErrorInterceptor } from '../admin/endpoint-error.interceptor';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { OAuthController } from './oauth.controller';

/**
 * `GET /oauth/:connectionId/authorize` and `GET /oauth/callback`. Needs the global IntegrationsModule (OAuthFlowService;
 * its `oauth.publicBaseUrl` makes the redirect URI).
 */
@Module({
  controllers: [OAuthController],
  providers: [ApiKeyService, ApiKeyGuard, EndpointErrorInterceptor],
})
export class OAuthModule {}
