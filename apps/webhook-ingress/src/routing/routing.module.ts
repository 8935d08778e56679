import { Module } from '@nestjs/common';
import { JsonataEvaluator } from '@junction/webhooks';
import { EndpointsModule } from '../endpoints/endpoints.module';
import { CompiledRoutesCache } from './compiled-routes.cache';
import { RouteWebhookHandler } from './usecases/route-webhook/route-webhook.handler';
import { WebhooksReceivedConsumer } from './webhooks-received.consumer';

/** Routing received webhooks to commands through the endpoint's declarative mappings (after the 2xx). */
@Module({
  imports: [EndpointsModule],
  controllers: [WebhooksReceivedConsumer],
  providers: [RouteWebhookHandler, CompiledRoutesCache, { provide: JsonataEvaluator, useFactory: () => new JsonataEvaluator() }],
})
export class RoutingModule {}
