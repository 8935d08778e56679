import 'reflect-metadata';
import { runMain } from '@junction/platform';
import { batchScheduler } from './app.definition';

void runMain(batchScheduler);
