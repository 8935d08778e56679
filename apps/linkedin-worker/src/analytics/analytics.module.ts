import { Module } from '@nestjs/common';
import { AnalyticsConsumer } from './analytics.consumer';
import { GetAnalyticsHandler } from './usecases/get-analytics/get-analytics.handler';

/** Share statistics of an organization. */
@Module({ controllers: [AnalyticsConsumer], providers: [GetAnalyticsHandler] })
export class AnalyticsModule {}
