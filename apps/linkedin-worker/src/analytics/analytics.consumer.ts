import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageOf } from '@junction/contracts';
import { GetAnalyticsHandler } from './usecases/get-analytics/get-analytics.handler';

/** Maps messages to use cases; nothing else. */
@Controller()
export class AnalyticsConsumer {
  constructor(private readonly getAnalytics: GetAnalyticsHandler) {}

  @EventPattern('linkedin.analytics.get')
  async onGet(@Payload() command: MessageOf<'linkedin.analytics.get'>): Promise<void> {
    await this.getAnalytics.execute(command);
  }
}
