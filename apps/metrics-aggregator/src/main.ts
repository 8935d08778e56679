import 'reflect-metadata';
import { runMain } from '@junction/platform';
import { metricsAggregator } from './app.definition';

void runMain(metricsAggregator);
