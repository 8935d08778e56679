import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageOf } from '@junction/contracts';
import { AnalyzeSentimentHandler } from './usecases/analyze-sentiment/analyze-sentiment.handler';
import { DetectTrendsHandler } from './usecases/detect-trends/detect-trends.handler';
import { GetCommunityInsightsHandler } from './usecases/get-community-insights/get-community-insights.handler';

/** Maps messages to use cases; nothing else. */
@Controller()
export class AnalysisConsumer {
  constructor(
    private readonly sentiment: AnalyzeSentimentHandler,
    private readonly trends: DetectTrendsHandler,
    private readonly insights: GetCommunityInsightsHandler,
  ) {}

  @EventPattern('reddit.sentiment.analyze')
  async onSentiment(@Payload() command: MessageOf<'reddit.sentiment.analyze'>): Promise<void> {
    await this.sentiment.execute(command);
  }

  @EventPattern('reddit.trends.detect')
  async onTrends(@Payload() command: MessageOf<'reddit.trends.detect'>): Promise<void> {
    await this.trends.execute(command);
  }

  @EventPattern('reddit.community-insights.get')
  async onInsights(@Payload() command: MessageOf<'reddit.community-insights.get'>): Promise<void> {
    await this.insights.execute(command);
  }
}
