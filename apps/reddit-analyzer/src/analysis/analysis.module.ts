import { Module } from '@nestjs/common';
import { AnalysisConsumer } from './analysis.consumer';
import { AnalysisSourceLoader } from './analysis-source.loader';
import { AnalyzeSentimentHandler } from './usecases/analyze-sentiment/analyze-sentiment.handler';
import { DetectTrendsHandler } from './usecases/detect-trends/detect-trends.handler';
import { GetCommunityInsightsHandler } from './usecases/get-community-insights/get-community-insights.handler';

/** Sentiment, trends and community insights over what Reddit returns, stored in Postgres (needs RedditModule). */
@Module({
  controllers: [AnalysisConsumer],
  providers: [AnalysisSourceLoader, AnalyzeSentimentHandler, DetectTrendsHandler, GetCommunityInsightsHandler],
})
export class AnalysisModule {}
