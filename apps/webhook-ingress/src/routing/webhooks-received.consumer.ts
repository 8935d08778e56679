import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { webhookRoutesHeader, type MessageOf } from '@junction/contracts';
import { RouteWebhookHandler } from './usecases/route-webhook/route-webhook.handler';

/** Maps messages to use cases; nothing else. */
@Controller()
export class WebhooksReceivedConsumer {
  constructor(private readonly routeWebhook: RouteWebhookHandler) {}

  @EventPattern('webhooks.received', { requiresHeader: webhookRoutesHeader })
  async onReceived(@Payload() event: MessageOf<'webhooks.received'>): Promise<void> {
    await this.routeWebhook.execute(event);
  }
}
