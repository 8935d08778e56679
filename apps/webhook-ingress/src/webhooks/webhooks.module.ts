import { Module } from '@nestjs/common';
import { EndpointsModule } from '../endpoints/endpoints.module';
import { InboxWriter } from './intake/inbox.writer';
import { RejectionAuditor } from './intake/rejection.auditor';
import { ReceiveWebhookHandler } from './usecases/receive-webhook/receive-webhook.handler';
import { WebhooksRoute } from './webhooks.route';

/** Receiving provider webhooks: verify, dedupe, commit to inbox + outbox, answer. */
@Module({
  imports: [EndpointsModule],
  providers: [InboxWriter, RejectionAuditor, ReceiveWebhookHandler, WebhooksRoute],
})
export class WebhooksModule {}
