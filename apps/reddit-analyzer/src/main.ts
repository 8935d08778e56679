import 'reflect-metadata';
import { runMain } from '@junction/platform';
import { redditAnalyzer } from './app.definition';

void runMain(redditAnalyzer);
