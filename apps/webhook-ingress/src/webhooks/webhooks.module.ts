import { Module } from '@nestjs/common';
import { EndpointCache } from './endpoints/endpoint.cache';
import { InboxWriter } from './intake/inbox.writer';
import { RejectionAuditor } from './intake/rejection.auditor';
import { ReceiveWebhookHandler } from './usecases/receive-webhook/receive-webhook.handler';
import { WebhooksRoute } from './webhooks.route';

/** Receiving provider webhooks: verify, dedupe, commit to inbox + outbox, answer. */
@Module({
  providers: [EndpointCache, InboxWriter, RejectionAuditor, ReceiveWebhookHandler, WebhooksRoute],
  exports: [EndpointCache],
})
export class WebhooksModule {}
